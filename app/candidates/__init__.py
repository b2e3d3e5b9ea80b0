"""Candidate vendors: software the catalog lacks, found in stored rows; confirmed or rejected."""
