"""Rule modules: each registers its rules on import (see checks.registry)."""
