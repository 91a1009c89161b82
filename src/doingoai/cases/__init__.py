"""False information, takedowns and complaints (tasks 9(3) and 10 of the plan).

A case (vụ việc) starts from a monitored story, a URL typed by staff or a public report; its
URLs are captured as evidence; it moves through the steps Tiếp nhận → … → Đóng; a person with
the right role decides, with a legal basis; statutory clocks run on takedown requests,
complaints and denunciations; rebuttals are drafted from the argument library and published
with ClaimReview markup.
"""
