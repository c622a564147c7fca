"""Provider key formats of the pattern detector: one regex per provider, and the literals each match holds.

The whole match is the key unless a ``value`` group says otherwise; no word
character around. The anchors let both engines skip work: the ``re`` engine
tries a regex only when one of its literals is in the text, the hyperscan
engine takes them as triggers (prefilter.py).
"""
from __future__ import annotations

# Literals every match of a provider format holds (see PatternRule.anchors).
PROVIDER_ANCHORS: dict[str, tuple[str, ...]] = {
    "aws-access-key-id": ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
    "gcp-api-key": ("AIza",),
    "gcp-oauth-secret": ("GOCSPX-",),
    "gcp-oauth-token": ("ya29.",),
    "azure-ad-client-secret": ("Q~",),
    "azure-storage-key": ("AccountKey=",),
    "github-token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    "github-fine-grained-pat": ("github_pat_",),
    "gitlab-token": ("gl",),
    "gitlab-runner-registration": ("GR1348941",),
    "slack-token": ("xox",),
    "slack-app-token": ("xapp-",),
    "slack-webhook": ("hooks.slack.com/",),
    "stripe-secret-key": ("k_test_", "k_live_", "k_prod_"),
    "openai-key": ("sk-",),
    "anthropic-key": ("sk-ant-",),
    "huggingface-token": ("hf_", "api_org_"),
    "npm-token": ("npm_",),
    "pypi-token": ("pypi-AgEIcHlwaS5vcmc",),
    "sendgrid-key": ("SG.",),
    "twilio-key": ("SK",),
    "mailgun-key": ("key-",),
    "digitalocean-token": ("_v1_",),
    "shopify-token": ("shp",),
    "age-secret-key": ("AGE-SECRET-KEY-1",),
    "square-token": ("sq0", "EAAA"),
    "databricks-token": ("dapi",),
    "jwt": (".ey",),
    "jwt-base64": ("ZXlK",),
    "perplexity-key": ("pplx-",),
}
# Provider key formats: (name, regex). The whole match is the key unless a
# ``value`` group says otherwise. Boundaries: no word character around.
PROVIDER_KEYS: tuple[tuple[str, str], ...] = (
    ("aws-access-key-id", r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])"),
    ("gcp-api-key", r"(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])"),
    ("gcp-oauth-secret", r"(?<![\w-])GOCSPX-[0-9A-Za-z_-]{28}(?![\w-])"),
    ("gcp-oauth-token", r"(?<![\w.-])ya29\.[0-9A-Za-z_-]{20,}"),
    ("azure-ad-client-secret", r"(?<![\w~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])"),
    ("azure-storage-key", r"AccountKey=(?P<value>[A-Za-z0-9+/]{86}==)"),
    ("github-token", r"(?<![\w])gh[pousr]_[A-Za-z0-9]{36,255}(?!\w)"),
    ("github-fine-grained-pat", r"(?<![\w])github_pat_[A-Za-z0-9_]{22,255}(?!\w)"),
    ("gitlab-token", r"(?<![\w-])gl(?:pat|dt|ptt|rt|oas|cbt|ffct|ft|imt|agent|soat|sa|c)-[0-9A-Za-z_.-]{20,}(?![\w-])"),
    ("gitlab-runner-registration", r"(?<!\w)GR1348941[0-9A-Za-z_-]{20}(?![\w-])"),
    ("slack-token", r"(?<![\w-])xox[abposre](?:\.xox[pbe])?-[0-9A-Za-z-]{10,}(?![\w-])"),
    ("slack-app-token", r"(?<![\w-])xapp-\d-[0-9A-Za-z-]{10,}(?![\w-])"),
    ("slack-webhook", r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<value>[0-9A-Za-z_/+-]{20,})"),
    ("stripe-secret-key", r"(?<![\w])(?:sk|rk)_(?:test|live|prod)_[0-9A-Za-z]{10,99}(?!\w)"),
    ("openai-key", r"(?<![\w-])sk-(?:(?:proj|svcacct|admin)-[0-9A-Za-z_-]{20,}|[0-9A-Za-z]{20}T3BlbkFJ[0-9A-Za-z]{20})(?![\w-])"),
    ("anthropic-key", r"(?<![\w-])sk-ant-(?:api|admin)\d\d-[0-9A-Za-z_-]{80,}(?![\w-])"),
    ("huggingface-token", r"(?<![\w])(?:hf_[A-Za-z]{34}|api_org_[A-Za-z]{34})(?![\w])"),
    ("npm-token", r"(?<![\w])npm_[A-Za-z0-9]{36}(?!\w)"),
    ("pypi-token", r"(?<![\w-])pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,}"),
    ("sendgrid-key", r"(?<![\w-])SG\.[0-9A-Za-z_-]{20,24}\.[0-9A-Za-z_-]{39,50}(?![\w-])"),
    ("twilio-key", r"(?<![\w])SK[0-9a-fA-F]{32}(?!\w)"),
    ("mailgun-key", r"(?<![\w-])key-[0-9a-f]{32}(?![\w-])"),
    ("digitalocean-token", r"(?<![\w])do[opr]_v1_[a-f0-9]{64}(?!\w)"),
    ("shopify-token", r"(?<![\w])shp(?:ss|at|ca|pa)_[a-fA-F0-9]{32}(?!\w)"),
    ("age-secret-key", r"(?<![\w-])AGE-SECRET-KEY-1[0-9A-Z]{58}(?![\w-])"),
    ("square-token", r"(?<![\w-])(?:sq0(?:atp|csp)-[0-9A-Za-z_-]{22,60}|EAAA[0-9A-Za-z_+=-]{22,60})(?![\w-])"),
    ("databricks-token", r"(?<![\w])dapi[a-f0-9]{32}(?:-\d)?(?!\w)"),
    ("jwt-base64", r"(?<![\w+/])ZXlK[A-Za-z0-9+/]{40,}={0,2}"),
    ("perplexity-key", r"(?<![\w-])pplx-[A-Za-z0-9]{40,}"),
    (
        "jwt",
        r"(?<![\w/+-])ey[A-Za-z0-9_-]{10,}={0,2}\.ey[A-Za-z0-9_/\\-]{10,}={0,2}\.(?:[A-Za-z0-9_/\\-]{10,}={0,2})?",
    ),
)
