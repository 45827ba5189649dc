"""The jobs layer: typed options in, typed results out; the only callers of the pipeline steps.

CLI commands and Ansible modules parse their arguments into a job's options, call the job and
print or return its result; nothing else in them. Jobs:

- `validate.validate`      load + every model rule
- `render.render`          intents -> configs -> baseline and platform validators -> files
- `deploy.deploy`          render (baseline must pass) -> staged commit-confirm with health gate
- `verify.verify`          model-derived expectations checked on the target, results kept per target
- `rollout.rollout`        validate -> render -> (lab) -> deploy -> verify, per town
- `status.status`          progress against the inventory's targets, per target (lab and field apart)
"""
