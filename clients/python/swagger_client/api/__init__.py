from __future__ import absolute_import

# flake8: noqa

# import apis into api package
from swagger_client.api.default_api import DefaultApi
