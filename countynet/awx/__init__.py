"""countynet on AWX / Red Hat Ansible Automation Platform: job templates, workflows per rollout wave,
credential types and the inventory source, exported as code for the awx.awx collection (docs/awx.md)."""

from countynet.awx.export import AwxExport, export_awx, write_export
from countynet.awx.templates import AwxOptions

__all__ = ["AwxExport", "AwxOptions", "export_awx", "write_export"]
