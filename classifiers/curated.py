# ruff: noqa: E501  (data table: one vendor per line reads and diffs better than wrapped)
"""Hand-curated catalog layer: billing descriptors and aliases of the business SaaS vendors most
often seen on card statements, the resellers / merchants of record, and well-known brands that
are *not* software (so they are recognised and explicitly rejected).

Facts only (names, domains, categories, descriptor shapes), written by hand.
``scripts/build_catalog.py`` merges this layer over the vendors derived from the open catalog
sources; a curated entry wins over a derived one with the same slug, name or domain.

Table format, one vendor per line, ``|``-separated::

    slug | name | domains (,) | category | pricing | aliases (;) | descriptors (;)

Descriptors are written the way they appear on statements; the matcher normalises them
(``*`` and punctuation become spaces, legal suffixes drop), so ``ZAPIER.COM/CHARGE`` and
``ZAPIER COM CHARGE`` are the same key. For namespaced resellers (Google, Microsoft, Apple,
Amazon) the descriptor includes the reseller word, e.g. ``GOOGLE *CLOUD``.
"""

from __future__ import annotations

SOFTWARE = """
slack|Slack|slack.com|communication|subscription|Slack Technologies|SLACK T;SLACK TECHNOLOGIES;SLACK.COM;SLACK
zoom|Zoom|zoom.us,zoom.com|communication|subscription|Zoom Video Communications;Zoom Video|ZOOM;ZOOM.US;ZOOM VIDEO COMM;ZOOM.COM
microsoft-teams|Microsoft Teams|teams.microsoft.com|communication|subscription|MS Teams|MSFT *TEAMS;MICROSOFT TEAMS
webex|Webex|webex.com|communication|subscription|Cisco Webex|WEBEX;CISCO WEBEX;CISCO*WEBEX
goto-meeting|GoTo Meeting|goto.com,gotomeeting.com,logmein.com|communication|subscription|GoToMeeting;GoTo;LogMeIn;GoTo Citrix|GOTOCITRIX.COM;GOTOMEETING;LOGMEIN;GOTO.COM;LOGMEIN.COM;GOTOCITRIX
ringcentral|RingCentral|ringcentral.com|communication|subscription||RINGCENTRAL;RINGCENTRAL INC
dialpad|Dialpad|dialpad.com|communication|subscription||DIALPAD;DIALPAD INC
aircall|Aircall|aircall.io|communication|subscription||AIRCALL;AIRCALL.IO
grasshopper|Grasshopper|grasshopper.com|communication|subscription|Grasshopper Group|GRASSHOPPER GROUP;GRASSHOPPER.COM
nextiva|Nextiva|nextiva.com|communication|subscription||NEXTIVA
vonage|Vonage Business|vonage.com|communication|subscription|Vonage|VONAGE BUSINESS;VONAGE
twilio|Twilio|twilio.com|communication|usage|Twilio SendGrid|TWILIO;TWILIO INC;TWILIO SENDGRID
sendgrid|SendGrid|sendgrid.com|communication|subscription||SENDGRID
mailgun|Mailgun|mailgun.com|communication|subscription|Sinch Mailgun|MAILGUN;MAILGUN TECHNOLOGIES
postmark|Postmark|postmarkapp.com|communication|subscription||POSTMARK;POSTMARKAPP.COM;WILDBIT
loom|Loom|loom.com|communication|subscription||LOOM;LOOM.COM;LOOM INC
calendly|Calendly|calendly.com|productivity|subscription||CALENDLY;CALENDLY LLC
discord|Discord|discord.com|communication|subscription||DISCORD;DISCORD* NITRO
openphone|OpenPhone|openphone.com,quo.com|communication|subscription||OPENPHONE
google-voice|Google Voice|voice.google.com|communication|subscription||GOOGLE *VOICE;GOOGLE VOICE
google-workspace|Google Workspace|workspace.google.com,gsuite.google.com|productivity|subscription|G Suite;GSuite|GOOGLE *GSUITE;GOOGLE *G SUITE;GOOGLE *WORKSPACE;GOOGLE *SVCSAPPS;GOOGLE GSUITE;GOOGLE WORKSPACE
google-cloud|Google Cloud|cloud.google.com|cloud_infrastructure|usage|Google Cloud Platform;GCP|GOOGLE *CLOUD;GOOGLE CLOUD;GOOGLE *GCP;GOOGLE *CLOUD PLATFORM;GCP
google-domains|Google Domains|domains.google|hosting_domains|subscription||GOOGLE *DOMAINS;GOOGLE DOMAINS
google-one|Google One|one.google.com|productivity|subscription|Google Storage;Google One AI Premium|GOOGLE *GOOGLE ONE;GOOGLE *GOOGLE STORAGE;GOOGLE *ONE AI PREMIUM;GOOGLE *STORAGE;GOOGLE ONE
google-gemini|Google Gemini|gemini.google.com|ai|subscription|Gemini Advanced|GOOGLE *GEMINI
google-maps-platform|Google Maps Platform|mapsplatform.google.com|developer_tools|usage||GOOGLE *MAPS;GOOGLE *MAPS PLATFORM
microsoft-365|Microsoft 365|microsoft365.com,office.com|productivity|subscription|Office 365;M365;Microsoft Office|MSFT *MICROSOFT 365;MSFT *M365;MSFT *OFFICE 365;MICROSOFT*MICROSOFT 365;MICROSOFT 365;MSFT *O365;MICROSOFT*OFFICE 365;MSFT *M365 BUSINESS;MSFT *MICROSOFT 365 B
microsoft-azure|Microsoft Azure|azure.microsoft.com,azure.com|cloud_infrastructure|usage|Azure|MSFT *AZURE;MICROSOFT*AZURE;MICROSOFT AZURE
github|GitHub|github.com|developer_tools|subscription|GitHub Copilot|GITHUB;GITHUB.COM;GITHUB INC;GH *GITHUB
gitlab|GitLab|gitlab.com|developer_tools|subscription||GITLAB;GITLAB INC;GITLAB.COM
atlassian|Atlassian|atlassian.com|collaboration|subscription|Jira;Confluence;Bitbucket;Jira Software|ATLASSIAN;ATLASSIAN.COM;ATLASSIAN PTY;ATLASSIAN INC;ATLASSIAN B.V.;JIRA
trello|Trello|trello.com|collaboration|subscription||TRELLO;TRELLO.COM;TRELLO INC
asana|Asana|asana.com|collaboration|subscription||ASANA;ASANA.COM;ASANA INC
monday|monday.com|monday.com|collaboration|subscription|Monday|MONDAY.COM;MONDAY COM
clickup|ClickUp|clickup.com|collaboration|subscription|Mango Technologies|CLICKUP;CLICKUP.COM
notion|Notion|notion.so,notion.com|productivity|subscription|Notion Labs|NOTION;NOTION.SO;NOTION LABS
airtable|Airtable|airtable.com|productivity|subscription|Formagrid|AIRTABLE;AIRTABLE.COM
smartsheet|Smartsheet|smartsheet.com|collaboration|subscription||SMARTSHEET;SMARTSHEET INC
basecamp|Basecamp|basecamp.com|collaboration|subscription|37signals|BASECAMP;37SIGNALS;BASECAMP.COM
wrike|Wrike|wrike.com|collaboration|subscription||WRIKE;WRIKE INC
teamwork|Teamwork.com|teamwork.com|collaboration|subscription|Teamwork|TEAMWORK.COM
linear|Linear|linear.app|developer_tools|subscription|Linear Orbit|LINEAR.APP;LINEAR ORBIT
miro|Miro|miro.com|collaboration|subscription|RealtimeBoard|MIRO;MIRO.COM;REALTIMEBOARD
mural|MURAL|mural.co|collaboration|subscription|Tactivos|MURAL.CO;TACTIVOS
lucid|Lucid|lucid.co,lucidchart.com|collaboration|subscription|Lucidchart;Lucidspark|LUCIDCHART;LUCID SOFTWARE;LUCID.CO
coda|Coda|coda.io|productivity|subscription||CODA.IO;CODA PROJECT
evernote|Evernote|evernote.com|productivity|subscription||EVERNOTE;EVERNOTE CORP
todoist|Todoist|todoist.com|productivity|subscription|Doist|TODOIST;DOIST
dropbox|Dropbox|dropbox.com,db.tt|collaboration|subscription|Dropbox Inc|DROPBOX;DROPBOX INC;DROPBOX.COM;DBX
box|Box|box.com|collaboration|subscription|Box Inc|BOX.COM;BOX INC;BOX, INC.
docusign|DocuSign|docusign.com|productivity|subscription||DOCUSIGN;DOCUSIGN INC;DOCUSIGN.COM
dropbox-sign|Dropbox Sign|hellosign.com|productivity|subscription|HelloSign|HELLOSIGN;HELLOSIGN.COM
pandadoc|PandaDoc|pandadoc.com|sales_crm|subscription||PANDADOC;PANDADOC INC
adobe|Adobe|adobe.com|design|subscription|Adobe Systems;Adobe Creative Cloud;Adobe Acrobat;Adobe Inc|ADOBE;ADOBE SYSTEMS;ADOBE INC;ADOBE *CREATIVE CLOUD;ADOBE *ACROPRO;ADOBE *PHOTOGPHY PLAN;ADOBE.COM;ADOBE *ACROBAT
figma|Figma|figma.com|design|subscription||FIGMA;FIGMA.COM;FIGMA INC
canva|Canva|canva.com|design|subscription|Canva Pty|CANVA;CANVA PRO;CANVA.COM;CANVA* PRO
sketch|Sketch|sketch.com|design|subscription|Bohemian Coding|SKETCH B.V.;SKETCH.COM;BOHEMIAN CODING
invision|InVision|invisionapp.com|design|subscription|InVisionApp|INVISIONAPP;INVISION APP
framer|Framer|framer.com|design|subscription||FRAMER.COM;FRAMER B.V.
webflow|Webflow|webflow.com|hosting_domains|subscription||WEBFLOW;WEBFLOW.COM;WEBFLOW INC
envato|Envato|envato.com|design|subscription|Envato Elements|ENVATO;ENVATO ELEMENTS;ENVATO PTY;ENVATO MARKET;THEMEFOREST;CODECANYON;AUDIOJUNGLE;VIDEOHIVE
shutterstock|Shutterstock|shutterstock.com|design|subscription||SHUTTERSTOCK;SHUTTERSTOCK.COM
getty-images|Getty Images|gettyimages.com|design|one_time|iStock|GETTY IMAGES;ISTOCKPHOTO;ISTOCK
freepik|Freepik|freepik.com|design|subscription|Flaticon|FREEPIK;FREEPIK COMPANY
autodesk|Autodesk|autodesk.com|design|subscription|AutoCAD|AUTODESK;AUTODESK INC;AUTODESK.COM;AUTOCAD
sketchup|SketchUp|sketchup.com|design|subscription|Trimble SketchUp|SKETCHUP;TRIMBLE*SKETCHUP
procreate|Procreate|procreate.com|design|one_time|Savage Interactive|SAVAGE INTERACTIVE
affinity|Affinity|affinity.serif.com|design|one_time|Serif;Affinity Designer|SERIF EUROPE;SERIF (EUROPE)
techsmith|TechSmith|techsmith.com|design|one_time|Camtasia;Snagit|TECHSMITH;TECHSMITH CORP;CAMTASIA;SNAGIT
descript|Descript|descript.com|design|subscription||DESCRIPT;DESCRIPT INC
vimeo|Vimeo|vimeo.com|design|subscription|Vimeo Pro|VIMEO;VIMEO.COM;VIMEO INC
wistia|Wistia|wistia.com|marketing|subscription||WISTIA;WISTIA INC
ezs3|EZS3|ezs3.com|hosting_domains|subscription||EZS3.COM
wondershare|Wondershare|wondershare.com|design|subscription|Filmora;PDFelement|WONDERSHARE;WONDERSHARE.COM;FILMORA
cycling74|Cycling '74|cycling74.com|design|one_time|Cycling 74;Max MSP|CYCLING74.COM
splice|Splice|splice.com|design|subscription||SPLICE.COM
epidemic-sound|Epidemic Sound|epidemicsound.com|design|subscription||EPIDEMIC SOUND
artlist|Artlist|artlist.io|design|subscription||ARTLIST;ARTLIST.IO
grammarly|Grammarly|grammarly.com|productivity|subscription||GRAMMARLY;GRAMMARLY.COM;GRAMMARLY INC
notability|Notability|notability.com,gingerlabs.com|productivity|subscription|Ginger Labs|NOTABILITY;GINGER LABS
1password|1Password|1password.com|security_it|subscription|AgileBits|1PASSWORD;AGILEBITS;1PASSWORD.COM
lastpass|LastPass|lastpass.com|security_it|subscription||LASTPASS;LASTPASS.COM;LOGMEIN*LASTPASS
bitwarden|Bitwarden|bitwarden.com|security_it|subscription|8bit Solutions|BITWARDEN;BITWARDEN INC
dashlane|Dashlane|dashlane.com|security_it|subscription||DASHLANE;DASHLANE INC
keeper|Keeper Security|keepersecurity.com|security_it|subscription|Keeper|KEEPER SECURITY
nordvpn|NordVPN|nordvpn.com|security_it|subscription|Nord Security;NordPass;NordLayer|NORDVPN;NORDVPN.COM;NORD SECURITY;NORDPASS;NORDLAYER;TEFINCOM
expressvpn|ExpressVPN|expressvpn.com|security_it|subscription||EXPRESSVPN;EXPRESS VPN
surfshark|Surfshark|surfshark.com|security_it|subscription||SURFSHARK
protonmail|Proton|proton.me,protonmail.com|security_it|subscription|Proton Mail;ProtonMail;Proton VPN|PROTON AG;PROTONMAIL;PROTON.ME
incogni|Incogni|incogni.com|security_it|subscription||INCOGNI
deleteme|DeleteMe|joindeleteme.com|security_it|subscription|Abine|ABINE;DELETEME
malwarebytes|Malwarebytes|malwarebytes.com|security_it|subscription||MALWAREBYTES
norton|Norton|norton.com|security_it|subscription|NortonLifeLock;Gen Digital|NORTON;NORTONLIFELOCK;NORTON *;GEN DIGITAL
mcafee|McAfee|mcafee.com|security_it|subscription||MCAFEE;MCAFEE.COM
bitdefender|Bitdefender|bitdefender.com|security_it|subscription||BITDEFENDER
kaspersky|Kaspersky|kaspersky.com|security_it|subscription||KASPERSKY
okta|Okta|okta.com|security_it|subscription||OKTA;OKTA INC
auth0|Auth0|auth0.com|security_it|usage||AUTH0
jumpcloud|JumpCloud|jumpcloud.com|security_it|subscription||JUMPCLOUD
vanta|Vanta|vanta.com|security_it|subscription||VANTA;VANTA INC
drata|Drata|drata.com|security_it|subscription||DRATA
crowdstrike|CrowdStrike|crowdstrike.com|security_it|subscription||CROWDSTRIKE
sentinelone|SentinelOne|sentinelone.com|security_it|subscription||SENTINELONE
kandji|Kandji|kandji.io|security_it|subscription||KANDJI
jamf|Jamf|jamf.com|security_it|subscription||JAMF;JAMF SOFTWARE
teamviewer|TeamViewer|teamviewer.com|security_it|subscription||TEAMVIEWER;TEAMVIEWER GERMANY
anydesk|AnyDesk|anydesk.com|security_it|subscription||ANYDESK;ANYDESK SOFTWARE
splashtop|Splashtop|splashtop.com|security_it|subscription||SPLASHTOP
backblaze|Backblaze|backblaze.com|cloud_infrastructure|usage||BACKBLAZE;BACKBLAZE INC
carbonite|Carbonite|carbonite.com|security_it|subscription||CARBONITE
idrive|IDrive|idrive.com|security_it|subscription||IDRIVE;IDRIVE INC
cloudflare|Cloudflare|cloudflare.com|cloud_infrastructure|usage||CLOUDFLARE;CLOUDFLARE INC;CLOUDFLARE.COM
aws|Amazon Web Services|aws.amazon.com,aws.com|cloud_infrastructure|usage|AWS;Amazon AWS|AMAZON WEB SERVICES;AWS;AWS EMEA;AMAZON WEB SERVI;AWS.AMAZON.COM;AMZN WEB SERVICES
digitalocean|DigitalOcean|digitalocean.com|cloud_infrastructure|usage|Digital Ocean|DIGITALOCEAN;DIGITALOCEAN.COM;DIGITAL OCEAN
linode|Linode|linode.com|cloud_infrastructure|usage|Akamai Linode|LINODE;LINODE.COM;AKAMAI*LINODE
vultr|Vultr|vultr.com|cloud_infrastructure|usage||VULTR;VULTR.COM;VULTR HOLDINGS
hetzner|Hetzner|hetzner.com|cloud_infrastructure|usage|Hetzner Online|HETZNER;HETZNER ONLINE
ovhcloud|OVHcloud|ovhcloud.com,ovh.com|cloud_infrastructure|usage|OVH|OVH;OVH SAS;OVHCLOUD
heroku|Heroku|heroku.com|cloud_infrastructure|usage||HEROKU;HEROKU INC
vercel|Vercel|vercel.com|cloud_infrastructure|usage|Zeit|VERCEL;VERCEL INC;ZEIT
netlify|Netlify|netlify.com|cloud_infrastructure|usage||NETLIFY;NETLIFY INC
render|Render|render.com|cloud_infrastructure|usage||RENDER.COM
fly-io|Fly.io|fly.io|cloud_infrastructure|usage||FLY.IO
railway|Railway|railway.app|cloud_infrastructure|usage||RAILWAY.APP;RAILWAY CORP
supabase|Supabase|supabase.com|cloud_infrastructure|usage||SUPABASE
mongodb|MongoDB Atlas|mongodb.com|cloud_infrastructure|usage|MongoDB|MONGODB;MONGODB INC;MONGODB CLOUD
snowflake|Snowflake|snowflake.com|analytics|usage||SNOWFLAKE;SNOWFLAKE INC;SNOWFLAKE COMPUTING
databricks|Databricks|databricks.com|analytics|usage||DATABRICKS
planetscale|PlanetScale|planetscale.com|cloud_infrastructure|usage||PLANETSCALE
algolia|Algolia|algolia.com|developer_tools|usage||ALGOLIA
fastly|Fastly|fastly.com|cloud_infrastructure|usage||FASTLY
datadog|Datadog|datadoghq.com|developer_tools|usage||DATADOG;DATADOG INC;DATADOGHQ.COM
new-relic|New Relic|newrelic.com|developer_tools|usage||NEW RELIC;NEWRELIC;NEW RELIC INC
sentry|Sentry|sentry.io|developer_tools|subscription|Functional Software|SENTRY;SENTRY.IO;FUNCTIONAL SOFTWARE
pagerduty|PagerDuty|pagerduty.com|developer_tools|subscription||PAGERDUTY
postman|Postman|postman.com|developer_tools|subscription||POSTMAN;POSTMAN INC
jetbrains|JetBrains|jetbrains.com|developer_tools|subscription|IntelliJ;PyCharm|JETBRAINS;JETBRAINS S.R.O.;JETBRAINS AMERICAS;PYCHARM
docker|Docker|docker.com|developer_tools|subscription|Docker Hub|DOCKER;DOCKER INC;DOCKER.COM
circleci|CircleCI|circleci.com|developer_tools|usage|Circle Internet Services|CIRCLECI;CIRCLE INTERNET
npm|npm|npmjs.com|developer_tools|subscription||NPM INC;NPMJS
browserstack|BrowserStack|browserstack.com|developer_tools|subscription||BROWSERSTACK
sauce-labs|Sauce Labs|saucelabs.com|developer_tools|subscription||SAUCE LABS
ngrok|ngrok|ngrok.com|developer_tools|subscription||NGROK;NGROK INC
tailscale|Tailscale|tailscale.com|security_it|subscription||TAILSCALE
retool|Retool|retool.com|developer_tools|subscription||RETOOL;RETOOL INC
replit|Replit|replit.com|developer_tools|subscription|Repl.it|REPLIT;REPL.IT
cursor|Cursor|cursor.com,cursor.sh|ai|subscription|Anysphere|CURSOR;ANYSPHERE;CURSOR.SH;CURSOR AI POWERED IDE
tabnine|Tabnine|tabnine.com|ai|subscription||TABNINE
openai|OpenAI|openai.com,chatgpt.com|ai|subscription|ChatGPT;ChatGPT Plus|OPENAI;OPENAI *CHATGPT SUBSCR;CHATGPT SUBSCRIPTION;OPENAI.COM;OPENAI CHATGPT;CHATGPT
anthropic|Anthropic|anthropic.com,claude.ai|ai|subscription|Claude;Claude.ai|ANTHROPIC;CLAUDE.AI SUBSCRIPTION;CLAUDE.AI;ANTHROPIC PBC
perplexity|Perplexity|perplexity.ai|ai|subscription|Perplexity AI|PERPLEXITY;PERPLEXITY AI
midjourney|Midjourney|midjourney.com|ai|subscription||MIDJOURNEY;MIDJOURNEY INC
jasper|Jasper|jasper.ai|ai|subscription|Jasper AI|JASPER.AI;JASPER AI
copy-ai|Copy.ai|copy.ai|ai|subscription||COPY.AI
elevenlabs|ElevenLabs|elevenlabs.io|ai|subscription|Eleven Labs|ELEVENLABS;ELEVENLABS.IO
runway|Runway|runwayml.com|ai|subscription|RunwayML|RUNWAYML;RUNWAY AI
otter|Otter.ai|otter.ai|ai|subscription|Otter|OTTER.AI;OTTER AI
fireflies|Fireflies.ai|fireflies.ai|ai|subscription|Fireflies|FIREFLIES.AI;FIREFLIES AI
huggingface|Hugging Face|huggingface.co|ai|usage||HUGGINGFACE;HUGGING FACE
replicate|Replicate|replicate.com|ai|usage||REPLICATE.COM
poe|Poe|poe.com|ai|subscription||POE.COM
cogi|Cogi|cogi.com|ai|subscription||COGI;COGI INC;COGI.COM
godaddy|GoDaddy|godaddy.com|hosting_domains|subscription|Go Daddy|GODADDY;GODADDY.COM;GO DADDY;DNH*GODADDY.COM;GODADDY.COM LLC
namecheap|Namecheap|namecheap.com|hosting_domains|subscription|Name-Cheap|NAMECHEAP;NAMECHEAP.COM;NAME-CHEAP.COM
squarespace|Squarespace|squarespace.com|hosting_domains|subscription||SQUARESPACE;SQSP;SQUARESPACE INC;SQSP* INV
wix|Wix|wix.com|hosting_domains|subscription|Wix.com|WIX.COM;WIX;WIX.COM LTD
wordpress-com|WordPress.com|wordpress.com,automattic.com,wpchrg.com|hosting_domains|subscription|WordPress;Automattic;WordPress.com (Automattic)|WPCHARGE;WPCHRG.COM;WORDPRESS.COM;AUTOMATTIC;WP*WORDPRESS;WORDPRESS
akismet|Akismet|akismet.com|security_it|subscription|Akismet (Automattic)|WP*AKISMET;AKISMET
jetpack|Jetpack|jetpack.com|hosting_domains|subscription||WP*JETPACK;JETPACK
woocommerce|WooCommerce|woocommerce.com|ecommerce|subscription||WOOCOMMERCE;WP*WOOCOMMERCE
wp-engine|WP Engine|wpengine.com|hosting_domains|subscription|WPEngine|WP ENGINE;WPENGINE;WPENGINE.COM;WP ENGINE INC
kinsta|Kinsta|kinsta.com|hosting_domains|subscription||KINSTA;KINSTA INC
bluehost|Bluehost|bluehost.com|hosting_domains|subscription||BLUEHOST;BLUEHOST.COM;BLUEHOST INC
hostgator|HostGator|hostgator.com|hosting_domains|subscription||HOSTGATOR;HOSTGATOR.COM
siteground|SiteGround|siteground.com|hosting_domains|subscription||SITEGROUND;SITEGROUND HOSTING
dreamhost|DreamHost|dreamhost.com,dh-fee.com|hosting_domains|subscription|New Dream Network|DREAMHOST;DH-FEE.COM;NEW DREAM NETWORK
hostinger|Hostinger|hostinger.com|hosting_domains|subscription||HOSTINGER;HOSTINGER INTERNATIONAL
a2-hosting|A2 Hosting|a2hosting.com|hosting_domains|subscription||A2 HOSTING;A2HOSTING;A2HOSTING.COM
inmotion|InMotion Hosting|inmotionhosting.com|hosting_domains|subscription||INMOTION HOSTING;INMOTIONHOSTING
liquid-web|Liquid Web|liquidweb.com|hosting_domains|subscription||LIQUID WEB;LIQUIDWEB
mddhosting|MDDHosting|mddhosting.com|hosting_domains|subscription|MDD Hosting|MDDHOSTING;MDDHOSTING.COM;MDD HOSTING
beyond-hosting|Beyond Hosting|beyondhosting.net|hosting_domains|subscription||BEYOND HOSTING;BEYONDHOSTING.NET
ionos|IONOS|ionos.com,1and1.com|hosting_domains|subscription|1&1;1and1|IONOS;1&1 IONOS;1AND1;IONOS INC
name-com|Name.com|name.com|hosting_domains|subscription||NAME.COM;NAME.COM LLC
porkbun|Porkbun|porkbun.com|hosting_domains|subscription||PORKBUN;PORKBUN.COM
hover|Hover|hover.com|hosting_domains|subscription|Tucows|HOVER.COM;TUCOWS
network-solutions|Network Solutions|networksolutions.com|hosting_domains|subscription||NETWORK SOLUTIONS;NETSOL;NETWORKSOLUTIONS
dynadot|Dynadot|dynadot.com|hosting_domains|subscription||DYNADOT
gandi|Gandi|gandi.net|hosting_domains|subscription||GANDI;GANDI SAS;GANDI.NET
shopify|Shopify|shopify.com|ecommerce|subscription||SHOPIFY;SHOPIFY* ;SHOPIFY INC;SHOPIFY.COM
bigcommerce|BigCommerce|bigcommerce.com|ecommerce|subscription||BIGCOMMERCE
kajabi|Kajabi|kajabi.com|ecommerce|subscription||KAJABI;KAJABI LLC;KAJABI.COM
teachable|Teachable|teachable.com|ecommerce|subscription||TEACHABLE;TEACHABLE INC
thinkific|Thinkific|thinkific.com|ecommerce|subscription||THINKIFIC
podia|Podia|podia.com|ecommerce|subscription||PODIA
samcart|SamCart|samcart.com|ecommerce|subscription||SAMCART
clickfunnels|ClickFunnels|clickfunnels.com|marketing|subscription|Etison|CLICKFUNNELS;ETISON
kartra|Kartra|kartra.com|marketing|subscription||KARTRA
stripe-billing|Stripe Billing|stripe.com|finance_accounting|usage|Stripe Atlas|STRIPE ATLAS;STRIPE BILLING
hubspot|HubSpot|hubspot.com|sales_crm|subscription||HUBSPOT;HUBSPOT INC;HUBSPOT.COM
salesforce|Salesforce|salesforce.com|sales_crm|subscription|SFDC;Salesforce.com|SALESFORCE;SALESFORCE.COM;SFDC
pipedrive|Pipedrive|pipedrive.com|sales_crm|subscription||PIPEDRIVE;PIPEDRIVE INC;PIPEDRIVE OU
zoho|Zoho|zoho.com|sales_crm|subscription|Zoho CRM;Zoho Corporation|ZOHO;ZOHO CORP;ZOHO CORPORATION;ZOHO.COM
close|Close|close.com|sales_crm|subscription|Close.io;Elastic Inc|CLOSE.COM;CLOSE.IO
copper|Copper|copper.com|sales_crm|subscription|ProsperWorks|COPPER CRM;PROSPERWORKS
freshworks|Freshworks|freshworks.com|customer_support|subscription|Freshdesk;Freshsales|FRESHWORKS;FRESHDESK;FRESHSALES
zendesk|Zendesk|zendesk.com|customer_support|subscription||ZENDESK;ZENDESK INC;ZENDESK.COM
intercom|Intercom|intercom.com|customer_support|subscription|Intercom R&D|INTERCOM;INTERCOM INC;INTERCOM.IO
help-scout|Help Scout|helpscout.com|customer_support|subscription|HelpScout|HELP SCOUT;HELPSCOUT
front|Front|front.com,frontapp.com|customer_support|subscription|FrontApp|FRONTAPP;FRONTAPP.COM;FRONT APP
drift|Drift|drift.com|customer_support|subscription||DRIFT.COM
livechat|LiveChat|livechat.com|customer_support|subscription|LiveChat Software|LIVECHAT;LIVECHAT INC;LIVECHAT SOFTWARE
tawk|tawk.to|tawk.to|customer_support|subscription||TAWK.TO
gorgias|Gorgias|gorgias.com|customer_support|subscription||GORGIAS
apollo|Apollo.io|apollo.io|sales_crm|subscription|Apollo|APOLLO.IO;APOLLO IO;ZENLEADS
zoominfo|ZoomInfo|zoominfo.com|sales_crm|subscription||ZOOMINFO;ZOOMINFO TECHNOLOGIES
linkedin-premium|LinkedIn Premium|linkedin.com|sales_crm|subscription|LinkedIn Sales Navigator;LinkedIn Recruiter;LinkedIn Pre|LINKEDIN PREMIUM;LINKEDIN PRE;LINKEDIN;LINKEDIN CORP;LINKEDIN SALES NAV;LINKEDIN P
lusha|Lusha|lusha.com|sales_crm|subscription||LUSHA;LUSHA SYSTEMS
hunter|Hunter.io|hunter.io|sales_crm|subscription|Hunter|HUNTER.IO
toofr|Toofr|toofr.com|sales_crm|subscription||TOOFR;TOOFR.COM
fresh-lead-finder|Fresh Lead Finder|freshleadfinder.com|sales_crm|subscription||FRESHLEADFINDER
gong|Gong|gong.io|sales_crm|subscription|Gong.io|GONG.IO;GONG IO
outreach|Outreach|outreach.io|sales_crm|subscription||OUTREACH.IO
salesloft|Salesloft|salesloft.com|sales_crm|subscription||SALESLOFT
chili-piper|Chili Piper|chilipiper.com|sales_crm|subscription||CHILI PIPER;CHILIPIPER
typeform|Typeform|typeform.com|productivity|subscription||TYPEFORM;TYPEFORM SL;TYPEFORM.COM
jotform|Jotform|jotform.com|productivity|subscription||JOTFORM;JOTFORM INC
surveymonkey|SurveyMonkey|surveymonkey.com|analytics|subscription|Momentive|SURVEYMONKEY;SURVEYMONKEY.COM;MOMENTIVE
wufoo|Wufoo|wufoo.com|productivity|subscription||WUFOO;WUFOO.COM;WUFOO.COM/CHARGE
qualtrics|Qualtrics|qualtrics.com|analytics|subscription||QUALTRICS
mailchimp|Mailchimp|mailchimp.com|marketing|subscription|Intuit Mailchimp;The Rocket Science Group|MAILCHIMP;MAILCHIMP.COM;INTUIT *MAILCHIMP;MC *MAILCHIMP;ROCKET SCIENCE GROUP
activecampaign|ActiveCampaign|activecampaign.com|marketing|subscription|Active Campaign|ACTIVECAMPAIGN;ACTIVECAMPAIGN.COM;ACTIVECAMPAIGN LLC
constant-contact|Constant Contact|constantcontact.com|marketing|subscription||CONSTANT CONTACT;CONSTANTCONTACT;CTCT
klaviyo|Klaviyo|klaviyo.com|marketing|subscription||KLAVIYO;KLAVIYO INC
convertkit|Kit|kit.com,convertkit.com|marketing|subscription|ConvertKit|CONVERTKIT;CONVERTKIT.COM;KIT.COM
mailerlite|MailerLite|mailerlite.com|marketing|subscription||MAILERLITE
brevo|Brevo|brevo.com,sendinblue.com|marketing|subscription|Sendinblue|BREVO;SENDINBLUE
aweber|AWeber|aweber.com|marketing|subscription||AWEBER;AWEBER COMMUNICATIONS;AWEBER SYSTEMS
getresponse|GetResponse|getresponse.com|marketing|subscription||GETRESPONSE
drip|Drip|drip.com|marketing|subscription||DRIP.COM;DRIP LEADPAGES
leadpages|Leadpages|leadpages.com|marketing|subscription||LEADPAGES;LEADPAGES.NET
unbounce|Unbounce|unbounce.com|marketing|subscription||UNBOUNCE
instapage|Instapage|instapage.com|marketing|subscription||INSTAPAGE
optinmonster|OptinMonster|optinmonster.com|marketing|subscription||OPTINMONSTER
hootsuite|Hootsuite|hootsuite.com|marketing|subscription|Hootsuite Media|HOOTSUITE;HOOTSUITE MEDIA;HOOTSUITE.COM
buffer|Buffer|buffer.com|marketing|subscription|Bufferapp|BUFFER;BUFFER.COM;BUFFERAPP;BUFFER INC
sprout-social|Sprout Social|sproutsocial.com|marketing|subscription||SPROUT SOCIAL;SPROUTSOCIAL
later|Later|later.com|marketing|subscription|Later.com|LATER.COM
sendible|Sendible|sendible.com|marketing|subscription||SENDIBLE
agorapulse|Agorapulse|agorapulse.com|marketing|subscription||AGORAPULSE
meetedgar|MeetEdgar|meetedgar.com|marketing|subscription||MEETEDGAR;MEET EDGAR
adespresso|AdEspresso|adespresso.com|marketing|subscription||ADESPRESSO;ADESPRESSO INC
semrush|Semrush|semrush.com|marketing|subscription|SEMrush Inc|SEMRUSH;SEMRUSH.COM;SEMRUSH INC;WWW SEMRUSH COM
ahrefs|Ahrefs|ahrefs.com|marketing|subscription||AHREFS;AHREFS.COM;AHREFS PTE
moz|Moz|moz.com|marketing|subscription|SEOmoz|MOZ.COM;MOZ INC;SEOMOZ
majestic|Majestic|majestic.com,majesticseo.com|marketing|subscription|Majestic SEO|MAJESTICSEO.COM;MAJESTIC SEO;MAJESTIC-12
advanced-web-ranking|Advanced Web Ranking|advancedwebranking.com,awrcloud.com|marketing|subscription|AWR Cloud;AWR|AWRCLOUD.COM;AWRCLOUD;ADVANCED WEB RANKING
se-ranking|SE Ranking|seranking.com|marketing|subscription||SE RANKING;SERANKING
spyfu|SpyFu|spyfu.com|marketing|subscription||SPYFU
screaming-frog|Screaming Frog|screamingfrog.co.uk|marketing|subscription||SCREAMING FROG;SCREAMINGFROG
buzzsumo|BuzzSumo|buzzsumo.com|marketing|subscription|BuzzSumo Limited|BUZZSUMO;BUZZSUMO.COM
surfer|Surfer|surferseo.com|marketing|subscription|Surfer SEO|SURFER SEO;SURFERSEO
yoast|Yoast|yoast.com|marketing|subscription||YOAST;YOAST BV
datavalidation|DataValidation|datavalidation.com|marketing|subscription|Data Validation|DATAVALIDATION.COM;DATAVALIDATION
neverbounce|NeverBounce|neverbounce.com|marketing|usage||NEVERBOUNCE
zerobounce|ZeroBounce|zerobounce.net|marketing|usage||ZEROBOUNCE
litmus|Litmus|litmus.com|marketing|subscription||LITMUS SOFTWARE;LITMUS.COM
hotjar|Hotjar|hotjar.com|analytics|subscription||HOTJAR;HOTJAR LTD
mixpanel|Mixpanel|mixpanel.com|analytics|subscription||MIXPANEL;MIXPANEL INC
amplitude|Amplitude|amplitude.com|analytics|subscription||AMPLITUDE;AMPLITUDE INC
segment|Segment|segment.com|analytics|subscription|Twilio Segment|SEGMENT.COM;SEGMENT.IO
heap|Heap|heap.io|analytics|subscription||HEAP.IO;HEAP INC
fullstory|FullStory|fullstory.com|analytics|subscription||FULLSTORY
looker|Looker|looker.com|analytics|subscription||LOOKER;LOOKER DATA SCIENCES
tableau|Tableau|tableau.com|analytics|subscription||TABLEAU;TABLEAU SOFTWARE
metabase|Metabase|metabase.com|analytics|subscription||METABASE
fivetran|Fivetran|fivetran.com|analytics|usage||FIVETRAN
plausible|Plausible Analytics|plausible.io|analytics|subscription|Plausible|PLAUSIBLE.IO;PLAUSIBLE INSIGHTS
similarweb|Similarweb|similarweb.com|analytics|subscription||SIMILARWEB
statista|Statista|statista.com|analytics|subscription||STATISTA
quickbooks|QuickBooks|quickbooks.intuit.com,quickbooks.com|finance_accounting|subscription|Intuit QuickBooks;QBO|INTUIT *QBOOKS ONLINE;INTUIT *QUICKBOOKS;QUICKBOOKS;QBOOKS;INTUIT *QBOOKS;INTUIT QUICKBOOKS;QBO
turbotax|Intuit TurboTax|turbotax.intuit.com,turbotax.com|finance_accounting|one_time|TurboTax|INTUIT *TURBOTAX;TURBOTAX;INTUIT TURBOTAX
intuit|Intuit|intuit.com|finance_accounting|subscription||INTUIT;INTUIT INC;CL.INTUIT.COM
hr-block|H&R Block|hrblock.com|finance_accounting|one_time|H&R Block Tax Software|H&R BLOCK TAX SOFTWARE;HRB TAX SOFTWARE;HRB ONLINE TAX;H&R BLOCK ONLINE
taxact|TaxAct|taxact.com|finance_accounting|one_time||TAXACT;TAXACT INC
freetaxusa|FreeTaxUSA|freetaxusa.com|finance_accounting|one_time||FREETAXUSA
xero|Xero|xero.com|finance_accounting|subscription||XERO;XERO INC;XERO LTD;XERO.COM
freshbooks|FreshBooks|freshbooks.com|finance_accounting|subscription|2ndSite|FRESHBOOKS;FRESHBOOKS.COM
wave|Wave|waveapps.com|finance_accounting|subscription|Wave Financial|WAVE FINANCIAL;WAVEAPPS;WAVE APPS
sage|Sage|sage.com|finance_accounting|subscription|Sage Intacct|SAGE SOFTWARE;SAGE INTACCT;SAGE ONE
netsuite|NetSuite|netsuite.com|finance_accounting|subscription|Oracle NetSuite|NETSUITE;ORACLE NETSUITE
bill-com|BILL|bill.com|finance_accounting|subscription|Bill.com|BILL.COM;BILL.COM LLC
expensify|Expensify|expensify.com|finance_accounting|subscription||EXPENSIFY;EXPENSIFY INC;EXPENSIFY.COM
gusto|Gusto|gusto.com|hr|subscription|ZenPayroll|GUSTO;GUSTO.COM;ZENPAYROLL
rippling|Rippling|rippling.com|hr|subscription||RIPPLING;RIPPLING PEO
deel|Deel|deel.com|hr|subscription||DEEL;DEEL INC
remote-com|Remote|remote.com|hr|subscription|Remote.com|REMOTE.COM;REMOTE TECHNOLOGY
bamboohr|BambooHR|bamboohr.com|hr|subscription||BAMBOOHR;BAMBOO HR
justworks|Justworks|justworks.com|hr|subscription||JUSTWORKS
lattice|Lattice|lattice.com|hr|subscription||LATTICE HQ;LATTICE.COM
workable|Workable|workable.com|hr|subscription||WORKABLE;WORKABLE SOFTWARE
greenhouse|Greenhouse|greenhouse.io|hr|subscription|Greenhouse Software|GREENHOUSE SOFTWARE;GREENHOUSE.IO
lever|Lever|lever.co|hr|subscription||LEVER.CO;LEVER INC
indeed|Indeed|indeed.com|hr|usage||INDEED;INDEED.COM;INDEED INC
ziprecruiter|ZipRecruiter|ziprecruiter.com|hr|subscription||ZIPRECRUITER;ZIPRECRUITER INC
when-i-work|When I Work|wheniwork.com|hr|subscription||WHEN I WORK;WHENIWORK
homebase|Homebase|joinhomebase.com|hr|subscription||HOMEBASE;JOINHOMEBASE
deputy|Deputy|deputy.com|hr|subscription||DEPUTY.COM
toggl|Toggl|toggl.com|productivity|subscription|Toggl Track|TOGGL;TOGGL OU
harvest|Harvest|getharvest.com|productivity|subscription|Harvest Time Tracking|HARVEST TIME;GETHARVEST;HARVEST.COM
clockify|Clockify|clockify.me|productivity|subscription|CAKE.com|CLOCKIFY;CAKE.COM
rescuetime|RescueTime|rescuetime.com|productivity|subscription||RESCUETIME
zapier|Zapier|zapier.com|productivity|subscription||ZAPIER;ZAPIER.COM;ZAPIER INC;ZAPIER.COM/CHARGE
make|Make|make.com,integromat.com|productivity|subscription|Integromat|MAKE.COM;INTEGROMAT;CELONIS*MAKE
ifttt|IFTTT|ifttt.com|productivity|subscription||IFTTT
acuity-scheduling|Acuity Scheduling|acuityscheduling.com|productivity|subscription||ACUITY SCHEDULING;ACUITYSCHEDULING
doodle|Doodle|doodle.com|productivity|subscription||DOODLE AG;DOODLE.COM
setapp|Setapp|setapp.com|productivity|subscription|MacPaw|SETAPP;MACPAW
cleanmymac|CleanMyMac|macpaw.com|productivity|subscription||CLEANMYMAC
parallels|Parallels|parallels.com|productivity|subscription||PARALLELS;PARALLELS INC
smallpdf|Smallpdf|smallpdf.com|productivity|subscription||SMALLPDF
ilovepdf|iLovePDF|ilovepdf.com|productivity|subscription||ILOVEPDF
foxit|Foxit|foxit.com|productivity|subscription|Foxit PDF|FOXIT;FOXIT SOFTWARE
nitro|Nitro PDF|gonitro.com|productivity|subscription|Nitro Software|NITRO SOFTWARE;GONITRO
readdle|Readdle|readdle.com|productivity|subscription|Spark Mail;PDF Expert|READDLE
superhuman|Superhuman|superhuman.com|productivity|subscription||SUPERHUMAN;SUPERHUMAN LABS
fastmail|Fastmail|fastmail.com|communication|subscription||FASTMAIL;FASTMAIL PTY
zoho-mail|Zoho Mail|zoho.com/mail|communication|subscription||ZOHO MAIL
hey|HEY|hey.com|communication|subscription||HEY.COM
mailbird|Mailbird|getmailbird.com|productivity|subscription||MAILBIRD
ynab|YNAB|ynab.com,youneedabudget.com|finance_accounting|subscription|You Need A Budget|YOUNEEDABUDGET.COM;YNAB;YOU NEED A BUDGET
quicken|Quicken|quicken.com|finance_accounting|subscription||QUICKEN;QUICKEN INC;QUICKEN.COM
tiller|Tiller Money|tillerhq.com|finance_accounting|subscription|Tiller|TILLER MONEY;TILLERHQ
abetterrouteplanner|A Better Routeplanner|abetterrouteplanner.com|productivity|subscription|ABRP|ABETTERROUTEPLANNER;ABRP

udemy-business|Udemy Business|business.udemy.com|hr|subscription||UDEMY BUSINESS
linkedin-learning|LinkedIn Learning|learning.linkedin.com|hr|subscription|Lynda.com|LINKEDIN LEARNING;LYNDA.COM
pluralsight|Pluralsight|pluralsight.com|developer_tools|subscription||PLURALSIGHT
frontend-masters|Frontend Masters|frontendmasters.com|developer_tools|subscription||FRONTEND MASTERS;FRONTENDMASTERS
egghead|egghead.io|egghead.io|developer_tools|subscription||EGGHEAD.IO
cloudways|Cloudways|cloudways.com|hosting_domains|usage||CLOUDWAYS
pantheon|Pantheon|pantheon.io|hosting_domains|subscription||PANTHEON.IO;PANTHEON SYSTEMS
flywheel|Flywheel|getflywheel.com|hosting_domains|subscription||GETFLYWHEEL;FLYWHEEL HOSTING
elementor|Elementor|elementor.com|hosting_domains|subscription||ELEMENTOR;ELEMENTOR LTD
gravity-forms|Gravity Forms|gravityforms.com|hosting_domains|subscription|Rocketgenius|GRAVITY FORMS;ROCKETGENIUS
carrd|Carrd|carrd.co|hosting_domains|subscription||CARRD;CARRD.CO
ghost|Ghost|ghost.org|hosting_domains|subscription|Ghost Foundation|GHOST.ORG;GHOST FOUNDATION
beehiiv|beehiiv|beehiiv.com|marketing|subscription||BEEHIIV
linktree|Linktree|linktr.ee|marketing|subscription||LINKTREE
bitly|Bitly|bitly.com|marketing|subscription||BITLY;BITLY INC;BIT.LY
rebrandly|Rebrandly|rebrandly.com|marketing|subscription||REBRANDLY
sproutvideo|SproutVideo|sproutvideo.com|marketing|subscription||SPROUTVIDEO
streamyard|StreamYard|streamyard.com|communication|subscription||STREAMYARD
riverside|Riverside.fm|riverside.fm|communication|subscription|Riverside|RIVERSIDE.FM;RIVERSIDEFM
restream|Restream|restream.io|communication|subscription||RESTREAM;RESTREAM.IO
hopin|Hopin|hopin.com|communication|subscription||HOPIN
whereby|Whereby|whereby.com|communication|subscription||WHEREBY
8x8|8x8|8x8.com|communication|subscription||8X8 INC;8X8
ooma|Ooma Office|ooma.com|communication|subscription|Ooma|OOMA;OOMA INC
textexpander|TextExpander|textexpander.com|productivity|subscription|Smile Software|TEXTEXPANDER;SMILE SOFTWARE
alfred|Alfred|alfredapp.com|productivity|one_time|Running with Crayons|RUNNING WITH CRAYONS
bear|Bear|bear.app|productivity|subscription|Shiny Frog|SHINY FROG
obsidian|Obsidian|obsidian.md|productivity|subscription|Dynalist|OBSIDIAN.MD;DYNALIST
roam|Roam Research|roamresearch.com|productivity|subscription||ROAM RESEARCH
craft|Craft Docs|craft.do|productivity|subscription||CRAFT DOCS;CRAFT.DO
mem|Mem|mem.ai|ai|subscription||MEM.AI;MEM LABS
pitch|Pitch|pitch.com|productivity|subscription||PITCH.COM;PITCH SOFTWARE
prezi|Prezi|prezi.com|productivity|subscription||PREZI;PREZI INC
gamma|Gamma|gamma.app|ai|subscription||GAMMA.APP
beautiful-ai|Beautiful.ai|beautiful.ai|productivity|subscription||BEAUTIFUL.AI
visme|Visme|visme.co|design|subscription||VISME
piktochart|Piktochart|piktochart.com|design|subscription||PIKTOCHART
snappa|Snappa|snappa.com|design|subscription||SNAPPA
picmonkey|PicMonkey|picmonkey.com|design|subscription||PICMONKEY
remove-bg|remove.bg|remove.bg|design|usage|Kaleido|REMOVE.BG;KALEIDO AI;KALEIDO
depositphotos|Depositphotos|depositphotos.com|design|subscription||DEPOSITPHOTOS
adobe-stock|Adobe Stock|stock.adobe.com|design|subscription||ADOBE *STOCK;ADOBE STOCK
dribbble|Dribbble|dribbble.com|design|subscription||DRIBBBLE
balsamiq|Balsamiq|balsamiq.com|design|subscription||BALSAMIQ
zeplin|Zeplin|zeplin.io|design|subscription||ZEPLIN;ZEPLIN.IO
maze|Maze|maze.co|design|subscription||MAZE.CO
usertesting|UserTesting|usertesting.com|analytics|subscription||USERTESTING
optimizely|Optimizely|optimizely.com|analytics|subscription||OPTIMIZELY
vwo|VWO|vwo.com|analytics|subscription|Wingify|WINGIFY;VWO.COM;VWO
crazy-egg|Crazy Egg|crazyegg.com|analytics|subscription||CRAZY EGG;CRAZYEGG
uservoice|UserVoice|uservoice.com|customer_support|subscription||USERVOICE
canny|Canny|canny.io|customer_support|subscription||CANNY.IO
statuspage|Statuspage|statuspage.io|developer_tools|subscription||STATUSPAGE.IO
uptimerobot|UptimeRobot|uptimerobot.com|developer_tools|subscription||UPTIMEROBOT
pingdom|Pingdom|pingdom.com|developer_tools|subscription|SolarWinds Pingdom|PINGDOM
solarwinds|SolarWinds|solarwinds.com|security_it|subscription||SOLARWINDS
logmein-rescue|LogMeIn Rescue|logmeinrescue.com|security_it|subscription||LOGMEIN RESCUE
connectwise|ConnectWise|connectwise.com|security_it|subscription|ScreenConnect|CONNECTWISE;SCREENCONNECT
ninjaone|NinjaOne|ninjaone.com|security_it|subscription|NinjaRMM|NINJAONE;NINJARMM
atera|Atera|atera.com|security_it|subscription||ATERA;ATERA NETWORKS
freshservice|Freshservice|freshservice.com|security_it|subscription||FRESHSERVICE
servicenow|ServiceNow|servicenow.com|security_it|subscription||SERVICENOW
digicert|DigiCert|digicert.com|security_it|subscription||DIGICERT
sectigo|Sectigo|sectigo.com|security_it|subscription|Comodo CA|SECTIGO;COMODO CA
ssl-com|SSL.com|ssl.com|security_it|subscription||SSL.COM
mimecast|Mimecast|mimecast.com|security_it|subscription||MIMECAST
knowbe4|KnowBe4|knowbe4.com|security_it|subscription||KNOWBE4
zscaler|Zscaler|zscaler.com|security_it|subscription||ZSCALER
duo|Duo Security|duo.com|security_it|subscription|Cisco Duo|DUO SECURITY
twingate|Twingate|twingate.com|security_it|subscription||TWINGATE
mapbox|Mapbox|mapbox.com|developer_tools|usage||MAPBOX
cloudinary|Cloudinary|cloudinary.com|developer_tools|usage||CLOUDINARY
imgix|imgix|imgix.com|developer_tools|usage||IMGIX
contentful|Contentful|contentful.com|developer_tools|subscription||CONTENTFUL
sanity|Sanity|sanity.io|developer_tools|subscription||SANITY.IO
auth-clerk|Clerk|clerk.com,clerk.dev|developer_tools|usage||CLERK.DEV;CLERK INC
pusher|Pusher|pusher.com|developer_tools|usage||PUSHER LTD;PUSHER.COM
ably|Ably|ably.com|developer_tools|usage||ABLY REALTIME
launchdarkly|LaunchDarkly|launchdarkly.com|developer_tools|subscription|Catamorphic|LAUNCHDARKLY;CATAMORPHIC
hashicorp|HashiCorp|hashicorp.com|developer_tools|usage|Terraform Cloud|HASHICORP
jfrog|JFrog|jfrog.com|developer_tools|subscription||JFROG
snyk|Snyk|snyk.io|security_it|subscription||SNYK
sonarsource|SonarSource|sonarsource.com,sonarcloud.io|developer_tools|subscription|SonarCloud|SONARSOURCE;SONARCLOUD
codecov|Codecov|codecov.io|developer_tools|subscription||CODECOV
travis-ci|Travis CI|travis-ci.com|developer_tools|subscription||TRAVIS CI;TRAVIS-CI
buildkite|Buildkite|buildkite.com|developer_tools|usage||BUILDKITE
expo|Expo|expo.dev|developer_tools|usage||EXPO.DEV
apple-developer|Apple Developer Program|developer.apple.com|developer_tools|subscription||APPLE DEVELOPER;APL* DEVELOPER
sublime|Sublime HQ|sublimetext.com|developer_tools|one_time|Sublime Text|SUBLIME HQ;SUBLIMEHQ
panic|Panic|panic.com|developer_tools|one_time|Transmit;Nova|PANIC INC
tower|Tower|git-tower.com|developer_tools|subscription|fournova|FOURNOVA;GIT-TOWER
gitkraken|GitKraken|gitkraken.com|developer_tools|subscription|Axosoft|GITKRAKEN;AXOSOFT
tableplus|TablePlus|tableplus.com|developer_tools|one_time||TABLEPLUS
navicat|Navicat|navicat.com|developer_tools|one_time|PremiumSoft|NAVICAT;PREMIUMSOFT
termius|Termius|termius.com|developer_tools|subscription||TERMIUS
warp|Warp|warp.dev|developer_tools|subscription||WARP.DEV
wolfram|Wolfram|wolfram.com|productivity|subscription|Mathematica;Wolfram Alpha|WOLFRAM;WOLFRAM RESEARCH;WOLFRAM ALPHA
mathworks|MathWorks|mathworks.com|developer_tools|subscription|MATLAB|MATHWORKS;THE MATHWORKS;MATLAB
overleaf|Overleaf|overleaf.com|productivity|subscription|Digital Science|OVERLEAF
zotero|Zotero|zotero.org|productivity|subscription||ZOTERO
mendeley|Mendeley|mendeley.com|productivity|subscription||MENDELEY
scrivener|Literature & Latte|literatureandlatte.com|productivity|one_time|Scrivener|LITERATURE AND LATTE;LITERATURE & LATTE
pdffiller|pdfFiller|pdffiller.com|productivity|subscription|airSlate|PDFFILLER;AIRSLATE;SIGNNOW
adobe-sign|Adobe Acrobat Sign|acrobat.adobe.com|productivity|subscription|Adobe Sign|ADOBE *ACROBAT SIGN
ringover|Ringover|ringover.com|communication|subscription||RINGOVER
kixie|Kixie|kixie.com|sales_crm|subscription||KIXIE
justcall|JustCall|justcall.io|communication|subscription||JUSTCALL
callrail|CallRail|callrail.com|marketing|subscription||CALLRAIL
hubstaff|Hubstaff|hubstaff.com|hr|subscription||HUBSTAFF
timedoctor|Time Doctor|timedoctor.com|hr|subscription||TIME DOCTOR;TIMEDOCTOR
and-co|AND.CO|and.co|finance_accounting|subscription|AND.CO|AND.CO
bonsai|Bonsai|hellobonsai.com|finance_accounting|subscription||HELLOBONSAI;BONSAI TECHNOLOGIES
honeybook|HoneyBook|honeybook.com|sales_crm|subscription||HONEYBOOK
dubsado|Dubsado|dubsado.com|sales_crm|subscription||DUBSADO
keap|Keap|keap.com|sales_crm|subscription|Infusionsoft|KEAP;INFUSIONSOFT
nutshell|Nutshell|nutshell.com|sales_crm|subscription||NUTSHELL CRM;NUTSHELL.COM
insightly|Insightly|insightly.com|sales_crm|subscription||INSIGHTLY
capsule|Capsule CRM|capsulecrm.com|sales_crm|subscription||CAPSULE CRM;CAPSULECRM
streak|Streak|streak.com|sales_crm|subscription||STREAK CRM;STREAK.COM
docsend|DocSend|docsend.com|sales_crm|subscription||DOCSEND
vidyard|Vidyard|vidyard.com|sales_crm|subscription||VIDYARD
yesware|Yesware|yesware.com|sales_crm|subscription||YESWARE
mixmax|Mixmax|mixmax.com|sales_crm|subscription||MIXMAX
lemlist|lemlist|lemlist.com|sales_crm|subscription||LEMLIST
woodpecker|Woodpecker|woodpecker.co|sales_crm|subscription||WOODPECKER.CO
instantly|Instantly|instantly.ai|sales_crm|subscription||INSTANTLY.AI;INSTANTLY
phantombuster|PhantomBuster|phantombuster.com|sales_crm|subscription||PHANTOMBUSTER
clay|Clay|clay.com|sales_crm|subscription|Clay Labs|CLAY LABS;CLAY.COM
snov|Snov.io|snov.io|sales_crm|subscription||SNOV.IO
seamless-ai|Seamless.AI|seamless.ai|sales_crm|subscription||SEAMLESS.AI;SEAMLESS AI
sprinklr|Sprinklr|sprinklr.com|marketing|subscription||SPRINKLR
brandwatch|Brandwatch|brandwatch.com|marketing|subscription||BRANDWATCH
mention|Mention|mention.com|marketing|subscription||MENTION.COM
meltwater|Meltwater|meltwater.com|marketing|subscription||MELTWATER
cision|Cision|cision.com|marketing|subscription||CISION
prnewswire|PR Newswire|prnewswire.com|marketing|usage||PR NEWSWIRE;PRNEWSWIRE
muck-rack|Muck Rack|muckrack.com|marketing|subscription||MUCK RACK;MUCKRACK
prowritingaid|ProWritingAid|prowritingaid.com|productivity|subscription||PROWRITINGAID;ORPHEUS TECHNOLOGY
quillbot|QuillBot|quillbot.com|ai|subscription||QUILLBOT;COURSE HERO*QUILLBOT
deepl|DeepL|deepl.com|ai|subscription||DEEPL;DEEPL SE
tally|Tally|tally.so|productivity|subscription||TALLY.SO
paperform|Paperform|paperform.co|productivity|subscription||PAPERFORM
cognito-forms|Cognito Forms|cognitoforms.com|productivity|subscription||COGNITO FORMS
formstack|Formstack|formstack.com|productivity|subscription||FORMSTACK
123formbuilder|123FormBuilder|123formbuilder.com|productivity|subscription||123FORMBUILDER
sumo|Sumo|sumo.com|marketing|subscription|SumoMe|SUMO.COM;SUMOME
appsumo|AppSumo|appsumo.com|ecommerce|one_time||APPSUMO;APPSUMO.COM
printful|Printful|printful.com|ecommerce|usage||PRINTFUL
shipstation|ShipStation|shipstation.com|ecommerce|subscription||SHIPSTATION
shippo|Shippo|goshippo.com|ecommerce|usage||SHIPPO;GOSHIPPO
recharge|Recharge|rechargepayments.com|ecommerce|subscription|ReCharge Payments|RECHARGE PAYMENTS;RECHARGEAPPS
yotpo|Yotpo|yotpo.com|ecommerce|subscription||YOTPO
judgeme|Judge.me|judge.me|ecommerce|subscription||JUDGE.ME
ecwid|Ecwid|ecwid.com|ecommerce|subscription||ECWID
sellfy|Sellfy|sellfy.com|ecommerce|subscription||SELLFY
weebly|Weebly|weebly.com|hosting_domains|subscription|Square Online|WEEBLY;WEEBLY.COM
strikingly|Strikingly|strikingly.com|hosting_domains|subscription||STRIKINGLY
adp|ADP|adp.com|hr|subscription|ADP Payroll;Automatic Data Processing|ADP PAYROLL;ADP PAYROLL FEES;ADP - FEES;ADP WORKFORCE NOW;ADP INC;ADP RUN
paychex|Paychex|paychex.com|hr|subscription||PAYCHEX;PAYCHEX INC;PAYCHEX-RCX
zenefits|Zenefits|zenefits.com|hr|subscription|TriNet Zenefits|ZENEFITS
paylocity|Paylocity|paylocity.com|hr|subscription||PAYLOCITY
paycom|Paycom|paycom.com|hr|subscription||PAYCOM;PAYCOM PAYROLL
workday|Workday|workday.com|hr|subscription||WORKDAY;WORKDAY INC
avalara|Avalara|avalara.com|finance_accounting|subscription||AVALARA;AVALARA INC
taxjar|TaxJar|taxjar.com|finance_accounting|subscription||TAXJAR
akamai|Akamai|akamai.com|cloud_infrastructure|usage|Akamai Technologies|AKAMAI;AKAMAI TECHNOLOGIES
wasabi|Wasabi|wasabi.com|cloud_infrastructure|usage|Wasabi Technologies|WASABI TECHNOLOGIES;WASABI.COM
scaleway|Scaleway|scaleway.com|cloud_infrastructure|usage||SCALEWAY
contabo|Contabo|contabo.com|cloud_infrastructure|usage||CONTABO;CONTABO GMBH
namesilo|NameSilo|namesilo.com|hosting_domains|subscription||NAMESILO
creative-market|Creative Market|creativemarket.com|design|one_time||CREATIVE MARKET;CREATIVEMARKET
soundstripe|Soundstripe|soundstripe.com|design|subscription||SOUNDSTRIPE
motion-array|Motion Array|motionarray.com|design|subscription||MOTION ARRAY;MOTIONARRAY
egnyte|Egnyte|egnyte.com|collaboration|subscription||EGNYTE;EGNYTE INC
olark|Olark|olark.com|customer_support|subscription||OLARK
crisp|Crisp|crisp.chat|customer_support|subscription|Crisp Chat|CRISP IM;CRISP.CHAT
tidio|Tidio|tidio.com|customer_support|subscription||TIDIO
bluejeans|BlueJeans|bluejeans.com|communication|subscription||BLUEJEANS
campaign-monitor|Campaign Monitor|campaignmonitor.com|marketing|subscription||CAMPAIGN MONITOR;CAMPAIGNMONITOR;CREATESEND
omnisend|Omnisend|omnisend.com|marketing|subscription||OMNISEND
less-annoying-crm|Less Annoying CRM|lessannoyingcrm.com|sales_crm|subscription||LESS ANNOYING CRM;LESSANNOYINGCRM
clearbit|Clearbit|clearbit.com|sales_crm|subscription||CLEARBIT
crunchbase|Crunchbase|crunchbase.com|sales_crm|subscription||CRUNCHBASE;CRUNCHBASE INC
pitchbook|PitchBook|pitchbook.com|analytics|subscription||PITCHBOOK
ubersuggest|Ubersuggest|neilpatel.com|marketing|subscription|NP Digital|UBERSUGGEST;NP DIGITAL;NEILPATEL
mangools|Mangools|mangools.com|marketing|subscription|KWFinder|MANGOOLS
brightlocal|BrightLocal|brightlocal.com|marketing|subscription||BRIGHTLOCAL
yext|Yext|yext.com|marketing|subscription||YEXT;YEXT INC
podium|Podium|podium.com|marketing|subscription||PODIUM CORP;PODIUM.COM
planoly|Planoly|planoly.com|marketing|subscription||PLANOLY
tailwind|Tailwind|tailwindapp.com|marketing|subscription|Tailwind App|TAILWIND APP;TAILWINDAPP
zencastr|Zencastr|zencastr.com|communication|subscription||ZENCASTR
buzzsprout|Buzzsprout|buzzsprout.com|hosting_domains|subscription|Higher Pixels|BUZZSPROUT;HIGHER PIXELS
libsyn|Libsyn|libsyn.com|hosting_domains|subscription|Liberated Syndication|LIBSYN;LIBERATED SYNDICATION
podbean|Podbean|podbean.com|hosting_domains|subscription||PODBEAN
transistor|Transistor.fm|transistor.fm|hosting_domains|subscription||TRANSISTOR.FM;TRANSISTOR FM
writesonic|Writesonic|writesonic.com|ai|subscription||WRITESONIC
rytr|Rytr|rytr.me|ai|subscription||RYTR.ME;RYTR
fathom|Fathom AI Notetaker|fathom.video|ai|subscription||FATHOM VIDEO;FATHOM.VIDEO
synthesia|Synthesia|synthesia.io|ai|subscription||SYNTHESIA
heygen|HeyGen|heygen.com|ai|subscription||HEYGEN
suno|Suno|suno.com|ai|subscription||SUNO INC;SUNO.COM
leonardo-ai|Leonardo.Ai|leonardo.ai|ai|subscription||LEONARDO.AI;LEONARDO AI
codeium|Windsurf|windsurf.com,codeium.com|ai|subscription|Codeium|CODEIUM;WINDSURF
stackblitz|StackBlitz|stackblitz.com|developer_tools|subscription|Bolt.new|STACKBLITZ;BOLT.NEW
lovable|Lovable|lovable.dev|ai|subscription||LOVABLE;LOVABLE.DEV
openrouter|OpenRouter|openrouter.ai|ai|usage||OPENROUTER;OPENROUTER.AI
together-ai|Together AI|together.ai|ai|usage||TOGETHER AI;TOGETHER.AI;TOGETHER COMPUTER
mistral|Mistral AI|mistral.ai|ai|usage||MISTRAL AI;MISTRAL.AI
ticktick|TickTick|ticktick.com|productivity|subscription||TICKTICK
ulysses|Ulysses|ulysses.app|productivity|subscription||ULYSSES GMBH
pcloud|pCloud|pcloud.com|productivity|subscription||PCLOUD
sync-com|Sync.com|sync.com|security_it|subscription||SYNC.COM
tresorit|Tresorit|tresorit.com|security_it|subscription||TRESORIT
n8n|n8n|n8n.io|productivity|subscription||N8N;N8N.IO;N8N GMBH
bubble|Bubble|bubble.io|developer_tools|subscription|Bubble Group|BUBBLE GROUP;BUBBLE.IO
softr|Softr|softr.io|developer_tools|subscription||SOFTR;SOFTR.IO
systeme-io|systeme.io|systeme.io|marketing|subscription||SYSTEME.IO;SYSTEME IO
thrivecart|ThriveCart|thrivecart.com|ecommerce|one_time||THRIVECART
circle-so|Circle|circle.so|communication|subscription|Circle.so|CIRCLE.SO;CIRCLE NETWORK
mighty-networks|Mighty Networks|mightynetworks.com|communication|subscription||MIGHTY NETWORKS;MIGHTYNETWORKS
memberful|Memberful|memberful.com|ecommerce|subscription||MEMBERFUL
memberpress|MemberPress|memberpress.com|ecommerce|subscription|Caseproof|MEMBERPRESS;CASEPROOF
printify|Printify|printify.com|ecommerce|usage||PRINTIFY
raycast|Raycast|raycast.com|productivity|subscription|Raycast Technologies|RAYCAST TECHNOLOGIES;RAYCAST
fathom-analytics|Fathom Analytics|usefathom.com|analytics|subscription|Conva Ventures|FATHOM ANALYTICS;USEFATHOM;CONVA VENTURES
feedly|Feedly|feedly.com|productivity|subscription|DevHD|FEEDLY;FEEDLY.COM;DEVHD
issuu|Issuu|issuu.com|marketing|subscription||ISSUU;ISSUU INC
manychat|ManyChat|manychat.com|marketing|subscription||MANYCHAT;MANYCHAT.COM
meistertask|MeisterTask|meistertask.com|collaboration|subscription|MeisterLabs;MindMeister|MEISTERTASK;MEISTERLABS;MINDMEISTER
mentimeter|Mentimeter|mentimeter.com|productivity|subscription||MENTIMETER
motion|Motion|usemotion.com|productivity|subscription|Motion AI|USEMOTION;USEMOTION.COM;MOTION AI CALENDAR
screencastify|Screencastify|screencastify.com|design|subscription||SCREENCASTIFY
scribe|Scribe|scribehow.com|productivity|subscription|ScribeHow|SCRIBEHOW;SCRIBE HOW
simplecast|Simplecast|simplecast.com|hosting_domains|subscription||SIMPLECAST
vidiq|vidIQ|vidiq.com|marketing|subscription||VIDIQ;VIDIQ INC
tubebuddy|TubeBuddy|tubebuddy.com|marketing|subscription||TUBEBUDDY
veed|VEED|veed.io|design|subscription|Veed.io|VEED.IO;VEED LTD;VEED
capcut|CapCut|capcut.com|design|subscription||CAPCUT
spideroak|SpiderOak|spideroak.com|security_it|subscription||SPIDEROAK
acronis|Acronis|acronis.com|security_it|subscription||ACRONIS
vmware|VMware|vmware.com|cloud_infrastructure|subscription||VMWARE;VMWARE INC
citrix|Citrix|citrix.com|security_it|subscription|Citrix ShareFile;ShareFile|CITRIX;CITRIX SYSTEMS;SHAREFILE
kaseya|Kaseya|kaseya.com|security_it|subscription||KASEYA
datto|Datto|datto.com|security_it|subscription||DATTO;DATTO INC
auvik|Auvik|auvik.com|security_it|subscription||AUVIK
meraki|Cisco Meraki|meraki.com|security_it|subscription|Meraki|MERAKI;CISCO MERAKI
oracle-cloud|Oracle Cloud|oracle.com|cloud_infrastructure|usage|Oracle|ORACLE CLOUD;ORACLE AMERICA;ORACLE*CLOUD;ORACLE CORPORATION
sap-concur|SAP Concur|concur.com|finance_accounting|subscription|Concur|SAP CONCUR;CONCUR TECHNOLOGIES;CONCUR
"""

# Merchants of record and namespaced billers. ``descriptors`` are the prefixes that announce
# them; the matcher looks for the product after the prefix before falling back to the bucket.
RESELLERS = """
paddle|Paddle|paddle.com,paddle.net|other_software|usage|Paddle.com Market|PADDLE.NET;PADDLE.COM;PADDLE;PADDLE.NET*;PADDLE.COM MARKET
fastspring|FastSpring|fastspring.com,fsprg.com|other_software|usage|FSPRG|FS;FSPRG;FSPRG.COM;FASTSPRING;FS *;FSPRG UK;FASTSPRING.COM
2checkout|2Checkout|2checkout.com,2co.com,avangate.com,verifone.com|other_software|usage|Avangate;Verifone 2Checkout|2CO.COM;2CO;AVANGATE;2CHECKOUT;2CHECKOUT.COM;VERIFONE*2CO
digital-river|Digital River|digitalriver.com|other_software|usage|DR Global|DRI;DIGITAL RIVER;DIGITALRIVER;DR GLOBAL
gumroad|Gumroad|gumroad.com,gum.co,gumrd.com|other_software|usage||GUMRD.COM;GUM.CO;GUMROAD;GUMROAD.COM;GUM.CO/CC
lemon-squeezy|Lemon Squeezy|lemonsqueezy.com|other_software|usage|Lemon Squeezy LLC|LEMON SQUEEZY;LEMONSQUEEZY;LEMSQZY
cleverbridge|cleverbridge|cleverbridge.com|other_software|usage||CLEVERBRIDGE;CLEVERBRIDGE AG;CBG*
mycommerce|MyCommerce|mycommerce.com|other_software|usage|Share-it;Digital River MyCommerce|MYCOMMERCE;SHAREIT;SHARE-IT
apple-services|Apple App Store & iCloud|apple.com,itunes.com,icloud.com|productivity|subscription|Apple (App Store / iCloud);Apple;iTunes;iCloud;App Store|APPLE.COM/BILL;APPLE.COM BILL;ITUNES.COM/BILL;APL* ITUNES.COM;APL*ITUNES;ITUNES.COM;APPLE.COM;APPLE ICLOUD;APL* APPLE;APPLE SERVICES;ICLOUD;ITUNES
microsoft|Microsoft|microsoft.com,msbill.info|productivity|subscription|Microsoft Corporation;MSFT|MSFT;MICROSOFT;MICROSOFT CORP;MSBILL.INFO;MICROSOFT#
paypro-global|PayPro Global|payproglobal.com|other_software|usage||PAYPRO GLOBAL;PAYPRO;PAYPROGLOBAL
bluesnap|BlueSnap|bluesnap.com|other_software|usage||BLUESNAP;BLUESNAP INC
sendowl|SendOwl|sendowl.com|other_software|usage||SENDOWL
payhip|Payhip|payhip.com|other_software|usage||PAYHIP
"""

# Brands recognised only to be rejected: consumer media, gaming, ads, hardware, telecom, retail.
NOT_SOFTWARE = """
google-payments|Google (Play & other purchases)|google.com,pay.google.com,play.google.com|||Google Play;Google|GOOGLE *GOOGLE;GOOGLE *SERVICES;GOOGLE *WALLET;GOOGLE *COMMERCE LTD;GOOGLE *PLAY;GOOGLE *PLAY CREDIT;GOOGLE PLAY;GOOGLE;GOOGLE *
google-ads|Google Ads|ads.google.com|||AdWords|GOOGLE *ADS;GOOGLE *ADWS;GOOGLE ADS;GOOGLE *ADWORDS;GOOGLE ADWORDS
google-store|Google Store|store.google.com|||Google Devices|GOOGLE *GOOGLE STORE;GOOGLE *DEVICES;GOOGLE STORE;GOOGLE *STORE
google-fi|Google Fi|fi.google.com|||Project Fi|GOOGLE *PROJECT FI;GOOGLE *FI;GOOGLE FI
google-one-today|Google One Today|onetoday.google.com|||Google donations|GOOGLE *ONE TODAY
youtube|YouTube|youtube.com|||YouTube Premium;YouTube TV|GOOGLE *YOUTUBE;GOOGLE *YOUTUBEPREMIUM;GOOGLE *YOUTUBETV;GOOGLE *YOUTUBE VIDEOS;YOUTUBE;YOUTUBE PREMIUM;GOOGLE *YOUTUBE TV;GOOGLE *YOUTUBE MUSIC
facebook-ads|Meta (Facebook ads)|facebook.com,fb.me,meta.com|||Facebook;Meta Platforms;Instagram|FACEBK;FACEBOOK;FACEBK *;META PLATFORMS;FACEBOOK ADS;FB.ME/ADS;META ADS;INSTAGRAM
linkedin-ads|LinkedIn Ads|||||LINKEDIN ADS;LNKD ADS
microsoft-ads|Microsoft Advertising||||Bing Ads|MICROSOFT ADVERTISING;MSFT *BING ADS;BING ADS
twitter-ads|X (Twitter) ads|x.com,twitter.com|||Twitter|TWITTER;TWITTER ADS;X CORP;X PREMIUM
tiktok|TikTok|tiktok.com|||TikTok Ads|TIKTOK;TIKTOK ADS;TIKTOK SHOP
reddit|Reddit|reddit.com|||Reddit Ads|REDDIT;REDDIT ADS;REDDIT INC
xbox|Xbox|xbox.com|||Xbox Game Pass|MSFT *XBOX;MICROSOFT*XBOX;MICROSOFT XBOX;MICROSOFT*ULTIMATE;MICROSOFT*XBOX GAME PASS;XBOX;MSFT *XBOX GAME PASS;MICROSOFT*GAME PASS;MICROSOFT*MINECRAFT
steam|Steam|steampowered.com,steamgames.com|||Valve|STEAM;STEAM GAMES;STEAMGAMES.COM;STEAM PURCHASE;VALVE;WL *STEAM;STEAMPOWERED
playstation|PlayStation Network|playstation.com|||Sony PlayStation|PLAYSTATION NETWORK;PLAYSTATIONNETWORK;SONY PLAYSTATION;PLAYSTATION
nintendo|Nintendo|nintendo.com|||Nintendo eShop|NINTENDO;NINTENDO CD;NINTENDO AMERICA
epic-games|Epic Games|epicgames.com|||Fortnite|EPIC GAMES;EPICGAMES
roblox|Roblox|roblox.com|||ROBLOX|ROBLOX;ROBLOX.COM
oculus|Meta Quest (Oculus)|oculus.com|||Oculus|OCULUS;OCULUS.COM;META QUEST
twitch|Twitch|twitch.tv|||Twitch Interactive|TWITCH;TWITCH.TV;TWITCH INTERACTIVE
netflix|Netflix|netflix.com|||Netflix International|NETFLIX;NETFLIX.COM;NETFLIX INTERNATIONAL
spotify|Spotify|spotify.com|||Spotify USA;Spotify AB|SPOTIFY;SPOTIFY USA;SPOTIFY AB;ADY*SPOTIFY;SPOTIFY P
hulu|Hulu|hulu.com|||Hulu LLC|HULU;HULU.COM;HULU LLC
disney-plus|Disney+|disneyplus.com|||Disney Plus|DISNEY PLUS;DISNEYPLUS;DISNEY+
hbo-max|Max|max.com,hbomax.com|||HBO Max|HBO MAX;HBOMAX;MAX.COM
paramount-plus|Paramount+|paramountplus.com|||Paramount Plus|PARAMOUNT+;PARAMOUNTPLUS;PARAMOUNT PLUS;CBS ALL ACCESS
peacock|Peacock|peacocktv.com|||Peacock TV|PEACOCK;PEACOCKTV;PEACOCK TV
apple-store|Apple Store|apple.com/shop|||Apple Retail|APPLE STORE;APPLE ONLINE STORE;APPLE.COM/US;APPLE STORE #;APPLE RETAIL;APL* APPLE ONLINE STORE;APL*APPLE ONLINE;APPLE ONLINE
apple-tv|Apple TV+|tv.apple.com|||Apple Music|APPLE TV;APPLE MUSIC;APPLE ARCADE
amazon|Amazon|amazon.com,amazon.ca,amazon.co.uk,amazon.de,amzn.com|||Amazon Marketplace;Amazon.com;AMZN Mktp|AMAZON;AMAZON.COM;AMAZON MKTPL;AMAZON MKTP;AMZN MKTP;AMZN MKTP US;AMAZON MARKETPLACE;AMZNMKTPLACE;AMAZON.CA;AMAZON.CO.UK;AMAZON MAR;AMAZON RETAIL;AMZN;AMZ;AMAZON.DE;AMZN.COM/BILL
amazon-digital|Amazon Digital (Prime, Kindle)||||Amazon Prime;Kindle|AMZN DIGITAL;AMAZON DIGITAL;AMAZON PRIME;PRIME VIDEO;KINDLE;KINDLE SVCS;AMAZON PRIME*;AMAZON MUSIC;PRIME VIDEO CHANNELS
audible|Audible|audible.com|||ADBL|AUDIBLE;ADBL;AUDIBLE.COM;AUDIBLE INC
nytimes|The New York Times|nytimes.com|||NYTimes|NYTIMES;NYT DIGITAL;NYTDIGITALSUBSCRIPTION;NEW YORK TIMES;NYTIMES.COM
wsj|The Wall Street Journal|wsj.com|||WSJ;Dow Jones|WSJ;WSJ.COM;DOW JONES;WALL STREET JOURNAL
patreon|Patreon|patreon.com|||Patreon Membership|PATREON;PATREON* MEMBERSHIP
onlyfans|OnlyFans|onlyfans.com||||ONLYFANS;OF.COM
temu|Temu|temu.com||||TEMU;TEMU.COM
uber|Uber|uber.com|||Uber Eats|UBER;UBER TECHNOLOGIES;UBER EATS;UBER TRIP;UBER *TRIP;UBER* EATS
lyft|Lyft|lyft.com||||LYFT;LYFT RIDE
airbnb|Airbnb|airbnb.com||||AIRBNB;AIRBNB INC
doordash|DoorDash|doordash.com|||DD DOORDASH|DOORDASH;DD DOORDASH
grubhub|Grubhub|grubhub.com||||GRUBHUB
instacart|Instacart|instacart.com||||INSTACART
tmobile|T-Mobile|t-mobile.com|||TMobile|TMOBILE;T-MOBILE;TMOBILE*PREPD;TMOBILE POSTPAID
verizon|Verizon|verizon.com|||Verizon Wireless|VERIZON;VERIZON WIRELESS;VZWRLSS;VZW
att|AT&T|att.com||||AT&T;ATT;AT&T PAYMENT;ATT*BILL PAYMENT
comcast|Xfinity|xfinity.com,comcast.com|||Comcast|COMCAST;XFINITY;COMCAST CABLE
paypal|PayPal|paypal.com||||PAYPAL;PAYPAL INC
venmo|Venmo|venmo.com||||VENMO
cash-app|Cash App|cash.app||||CASH APP
costco|Costco|costco.com||||COSTCO;WWW COSTCO COM;COSTCO WHSE
walmart|Walmart|walmart.com||||WAL-MART;WALMART;WALMART.COM
target|Target|target.com||||TARGET;TARGET.COM
best-buy|Best Buy|bestbuy.com||||BEST BUY;BESTBUY.COM
starbucks|Starbucks|starbucks.com||||STARBUCKS
fedex-office|FedEx Office|fedex.com||||FEDEXOFFICE;FEDEX OFFICE;FEDEX
usps|USPS|usps.com||||USPS;USPS.COM
office-depot|Office Depot OfficeMax|officedepot.com||||OFFICEMAX;OFFICE DEPOT;OFFICEMAX/DEPOT
staples|Staples|staples.com||||STAPLES
ikea|IKEA|ikea.com||||IKEA
sparkfun|SparkFun Electronics|sparkfun.com||||SPARKFUN
newegg|Newegg|newegg.com||||NEWEGG
iherb|iHerb|iherb.com||||IHERB;IHERB.COM
etsy|Etsy|etsy.com||||ETSY;ETSY.COM
ebay|eBay|ebay.com||||EBAY;EBAY INC
fandango|Fandango|fandango.com||||FANDANGO
expedia|Expedia|expedia.com||||EXPEDIA
booking-com|Booking.com|booking.com||||BOOKING.COM
duolingo|Duolingo|duolingo.com||||DUOLINGO
coursera|Coursera|coursera.org||||COURSERA
udemy|Udemy|udemy.com||||UDEMY
masterclass|MasterClass|masterclass.com||||MASTERCLASS
tinder|Tinder|tinder.com||||TINDER
bumble|Bumble|bumble.com||||BUMBLE
siriusxm|SiriusXM|siriusxm.com||||SIRIUSXM;SIRIUS XM
o2|O2 (telecom)|o2.co.uk,o2.pl|||O2 UK|O2 UK;TELEFONICA O2
vodafone|Vodafone|vodafone.com,vodafone.co.uk|||Vodafone UK|VODAFONE;VODAFONE LTD
sprint|Sprint|sprint.com||||SPRINT;SPRINT WIRELESS
mint-mobile|Mint Mobile|mintmobile.com||||MINT MOBILE
spectrum|Spectrum|spectrum.com|||Charter Spectrum|SPECTRUM;CHARTER SPECTRUM;CHARTER COMMUNICATIONS
starlink|Starlink|starlink.com||||STARLINK;STARLINK INTERNET;SPACEX STARLINK
sky|Sky|sky.com|||Sky UK|SKY DIGITAL;SKY UK;SKY SUBSCRIPTION
bt|BT|bt.com|||British Telecom|BT GROUP;BRITISH TELECOM;BT BROADBAND
rogers|Rogers|rogers.com|||Rogers Wireless|ROGERS;ROGERS WIRELESS
peloton|Peloton|onepeloton.com|||Peloton Membership|PELOTON;PELOTON MEMBERSHIP
upwork|Upwork|upwork.com|||Upwork Global|UPWORK;UPWORK GLOBAL
fiverr|Fiverr|fiverr.com||||FIVERR;FIVERR.COM
geek-squad|Geek Squad|geeksquad.com|||Best Buy Geek Squad|GEEK SQUAD;GEEKSQUAD
substack|Substack|substack.com|||Substack subscription|SUBSTACK;SUBSTACK INC
medium|Medium|medium.com|||Medium membership|MEDIUM.COM;MEDIUM CORPORATION;A MEDIUM CORPORATION
wise|Wise|wise.com|||TransferWise|WISE;TRANSFERWISE;WISE US INC;WISE EUROPE
credit-karma|Credit Karma|creditkarma.com||||CREDIT KARMA
experian|Experian|experian.com|||Experian Ltd|EXPERIAN;EXPERIAN CREDIT
equifax|Equifax|equifax.com||||EQUIFAX
transunion|TransUnion|transunion.com||||TRANSUNION
microsoft-store|Microsoft Store|microsoft.com/store|||Microsoft retail|MICROSOFT STORE;MICROSOFT*STORE;MSFT *STORE;MICROSOFT*STORE ONLINE
"""
