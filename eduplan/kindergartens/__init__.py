"""The kindergarten register (幼儿园名录): licences, 普惠 certification and grading
as workflows, 双90%."""
