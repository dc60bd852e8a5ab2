"""Teachers and their continuing-education credits (继续教育学分登记)."""
