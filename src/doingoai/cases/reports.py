"""Reports for the Thanh tra and the plan's periodic report. Filled by the reports part."""
