"""The sea-and-islands e-library (task 5 of the plan): items with Dublin Core metadata and
files, OCR of scans, the editorial workflow, review and removal, the public catalogue in
Vietnamese and English, and OAI-PMH for harvesters."""
