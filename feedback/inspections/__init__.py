"""On-site checklist inspections (清单式执法检查): the checklist, the records, drafts, the PDF."""
