"""django-csp's middleware, writing the site's one policy without building it per response."""

from dataclasses import asdict

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings


class CSPMiddleware(BaseCSPMiddleware):
    """The policy of ``CONTENT_SECURITY_POLICY`` is the same string on every response that
    uses no nonce and has no policy of its own (django-csp's decorators), so it is built
    once: building it is the dearest step of the whole middleware stack (bench/README.md).
    Anything else (the admin's editor, which uses a nonce) gets django-csp's own handling."""

    policy = None

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(name.startswith("_csp") for name in vars(response))
            or HEADER in response
        ):
            return super().process_response(request, response)
        if CSPMiddleware.policy is None:
            parts = self.get_policy_parts(request=request, response=response)
            CSPMiddleware.policy = build_policy(**asdict(parts))
        response[HEADER] = CSPMiddleware.policy
        # As django-csp does: a nonce asked for after this point is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
