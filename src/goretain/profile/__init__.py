"""pprof profiles and goroutine dumps: decode, attribute to call sites, compare, trend."""

import os as _os

# The profile code uses numpy for element-wise work only: no BLAS thread pool needed.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
