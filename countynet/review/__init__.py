"""Change review: the per-device plan of a pull request (`countynet diff`), like `terraform plan`."""

from countynet.review.markdown import to_markdown
from countynet.review.plan import Plan, compute_plan

__all__ = ["Plan", "compute_plan", "to_markdown"]
