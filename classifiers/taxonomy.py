"""The fixed category taxonomy (slug -> label). Slugs are stored in the database: never rename."""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "collaboration": "Collaboration & project management",
    "design": "Design & creative",
    "developer_tools": "Developer tools",
    "cloud_infrastructure": "Cloud infrastructure",
    "hosting_domains": "Hosting & domains",
    "marketing": "Marketing & SEO",
    "sales_crm": "Sales & CRM",
    "analytics": "Analytics & data",
    "security_it": "Security & IT",
    "hr": "HR & people",
    "finance_accounting": "Finance & accounting",
    "productivity": "Productivity & utilities",
    "ai": "AI",
    "communication": "Communication",
    "customer_support": "Customer support",
    "ecommerce": "E-commerce",
    "other_software": "Other software",
}
