"""Cloud test fixtures: IAM policies, CloudTrail events, STS/S3 responses, Azure and GCP resource paths.

Real-dev judgement calls: account IDs, IAM user IDs, bucket names and
profile IDs are ``ID``; VPC, subnet, security-group, instance and request IDs
are object IDs and are not labeled; account ``123456789012`` is a published
sample. The IAM user name inside ``arn:...:user/<name>`` and a ``userName``
are USERNAME. Fixtures are rendered from one nested structure into JSON,
YAML, Python, JavaScript/TypeScript or Ruby, so the model sees the same
fields in many syntaxes.
"""
from __future__ import annotations

from typing import Union

from .builder import Line, Piece, Pii
from .context import Ctx, context
from .credentials import HEX, UPPER_DIGITS, provider_key, rand
from .network import aws_account_id, gcp_project_id, guid, host_ip, s3_bucket
from .negatives import kind_negatives

Value = Union[list, tuple]  # list[Piece]: a string; tuple[(key, Value)]: a nested object; ("#", "42"): a bare number
KINDS = ("json", "yaml", "python", "javascript", "typescript", "ruby")
REGIONS = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-west-2")


def _num(text: str) -> Value:
    return ("#", text)


def _is_obj(v: Value) -> bool:
    return isinstance(v, tuple) and not (len(v) == 2 and v[0] == "#")


def render(c: Ctx, name: str, obj: tuple) -> list[Line]:
    """One nested fixture in the file's syntax; JSON as one member of the file's object."""
    k = c.kind
    q = '"' if k in ("json", "python") else c.rng.choice(("'", '"'))
    lines: list[Line] = []

    def key(text: str) -> str:
        if k == "yaml":
            return f"{text}:"
        if k == "ruby":
            return f"{q}{text}{q} =>"
        return f"{q}{text}{q}:" if k != "javascript" or not text.isidentifier() else f"{text}:"

    def walk(o: tuple, depth: int) -> None:
        pad = "  " * depth
        for i, (kk, v) in enumerate(o):
            comma = "" if k == "yaml" or (k == "json" and i == len(o) - 1) else ","
            if _is_obj(v):
                lines.append([f"{pad}{key(kk)}" + ("" if k == "yaml" else " {")])
                walk(v, depth + 1)
                if k != "yaml":
                    lines.append([f"{pad}}}{comma}"])
            elif isinstance(v, tuple):
                lines.append([f"{pad}{key(kk)} {v[1]}{comma}"])
            else:
                qq = "" if k == "yaml" and not any(isinstance(p, str) and p[:1] in "*&!{[" for p in v[:1]) else q
                lines.append([f"{pad}{key(kk)} {qq}", *v, f"{qq}{comma}"])

    if k == "yaml":
        lines.append([f"{name}:"])
        walk(obj, 1)
    elif k == "json":
        lines.append([f'  "{name}": {{'])
        walk(obj, 2)
        lines.append(["  },"])
    else:
        opener = {"python": f"{name.upper()} = {{", "ruby": f"{name.upper()} = {{", "typescript": f"export const {name} = {{"}.get(k, f"const {name} = {{")
        lines.append([opener])
        walk(obj, 1)
        lines.append([{"python": "}", "ruby": "}.freeze"}.get(k, "};")])
    return lines


def _user_name(c: Ctx) -> str:
    return c.person().username.replace("_", "-") if c.rng.random() < 0.5 else c.person().username


def _arn_user(c: Ctx, account: Piece, user: Piece) -> list[Piece]:
    return ["arn:aws:iam::", account, ":user/", user]


@context(weight=1.2, kinds=KINDS)
def ctx_iam_policy(c: Ctx) -> list[Line]:
    """An IAM/S3 bucket policy: principal ARNs (account ID, user name), bucket ARNs, source-account conditions."""
    r = c.rng
    acct = Pii(aws_account_id(r), "ID")
    bucket = Pii(s3_bucket(r), "ID")
    user = c.user(_user_name(c))
    statement = (
        ("Sid", [r.choice(("AllowDeployUser", "CrossAccountRead", "ReadOnlyAccess"))]),
        ("Effect", ["Allow"]),
        ("Principal", (("AWS", _arn_user(c, acct, user)),)),
        ("Action", [r.choice(("s3:GetObject", "s3:*", "sqs:SendMessage", "kms:Decrypt"))]),
        ("Resource", ["arn:aws:s3:::", bucket, "/*"]),
    )
    if r.random() < 0.5:
        statement += (("Condition", (("StringEquals", (("aws:SourceAccount", [Pii(aws_account_id(r), "ID")]),)),)),)
    return render(c, r.choice(("bucket_policy", "policy_document", "expected_policy")), (("Version", ["2012-10-17"]), ("Statement", statement)))


@context(weight=1.2, kinds=KINDS)
def ctx_cloudtrail_event(c: Ctx) -> list[Line]:
    """A CloudTrail record: principal ID, ARN, account, access key, user name, source IP (event/request IDs not)."""
    r = c.rng
    acct, name = aws_account_id(r), _user_name(c)
    identity = (
        ("type", ["IAMUser"]),
        ("principalId", [Pii("AIDA" + rand(r, UPPER_DIGITS, 17), "ID")]),
        ("arn", _arn_user(c, Pii(acct, "ID"), c.user(name))),
        ("accountId", [Pii(acct, "ID")]),
        ("accessKeyId", [Pii(r.choice(("AKIA", "ASIA")) + provider_key(r, "aws_access_key_id")[1][4:], "KEY")]),  # AIDA is a user id
        ("userName", [c.user(name)]),
    )
    ip = host_ip(r)
    event = (
        ("eventVersion", ["1.08"]), ("userIdentity", identity),
        ("eventTime", [f"{r.randint(2019, 2026)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}T0{r.randint(0, 9)}:1{r.randint(0, 9)}:22Z"]),
        ("eventSource", ["s3.amazonaws.com"]), ("eventName", [r.choice(("GetObject", "PutBucketPolicy", "ConsoleLogin", "CreateAccessKey"))]),
        ("awsRegion", [r.choice(REGIONS)]), ("sourceIPAddress", [Pii(ip, "IP_ADDRESS")]),
        ("userAgent", [f"aws-cli/{r.randint(1, 2)}.{r.randint(0, 15)}.{r.randint(0, 40)} Python/3.{r.randint(8, 12)}.{r.randint(0, 9)}"]),
        ("requestID", [rand(r, UPPER_DIGITS, 16)]), ("eventID", [guid(r)]), ("recipientAccountId", [Pii(acct, "ID")]),
    )
    return render(c, r.choice(("cloudtrail_event", "sample_event", "event")), event)


@context(weight=1.0, kinds=KINDS)
def ctx_aws_responses(c: Ctx) -> list[Line]:
    """Stubbed API responses: STS caller identity, S3 owner (canonical ID), assumed-role sessions named after people."""
    r = c.rng
    acct = aws_account_id(r)
    roll = r.random()
    if roll < 0.4:
        body = (("UserId", [Pii("AIDA" + rand(r, UPPER_DIGITS, 17), "ID")]), ("Account", [Pii(acct, "ID")]),
                ("Arn", _arn_user(c, Pii(acct, "ID"), c.user(_user_name(c)))))
    elif roll < 0.7:
        p = c.person()
        body = (("AssumedRoleUser", (("AssumedRoleId", [Pii("AROA" + rand(r, UPPER_DIGITS, 17), "ID"), ":", c.email(p.email)]),
                                     ("Arn", ["arn:aws:sts::", Pii(acct, "ID"), f":assumed-role/{r.choice(('Admin', 'ReadOnly', 'Deploy'))}/", c.email(p.email)]))),)
    else:
        body = (("Owner", (("DisplayName", [c.user(_user_name(c))]), ("ID", [Pii(rand(r, HEX, 64), "ID")]))),
                ("Buckets", (("Name", [Pii(s3_bucket(r), "ID")]), ("CreationDate", [f"{r.randint(2015, 2026)}-02-0{r.randint(1, 9)}T10:00:00Z"]))))
    return render(c, r.choice(("response", "stub_response", "expected", "caller_identity")), body)


@context(weight=1.0, kinds=KINDS + ("terraform", "shell", "markdown"))
def ctx_cloud_resource_paths(c: Ctx) -> list[Line]:
    """Azure resource IDs (subscription GUID), GCP resource names (project ID, service-account email), SNS/SQS/KMS ARNs."""
    r = c.rng
    forms = (
        ["/subscriptions/", Pii(guid(r), "ID"), f"/resourceGroups/{r.choice(('rg-prod', 'rg-data', 'shared-rg'))}/providers/Microsoft.Storage/storageAccounts/",
         Pii(f"{r.choice(('acme', 'prod', 'data'))}store{r.randint(1, 999)}", "ID")],
        ["projects/", Pii(gcp_project_id(r), "ID"), "/serviceAccounts/", c.email(f"{c.person().first}-ci@{gcp_project_id(r)}.iam.gserviceaccount.com")],
        [f"arn:aws:sns:{r.choice(REGIONS)}:", Pii(aws_account_id(r), "ID"), f":{r.choice(('alerts', 'deploy-events', 'billing'))}"],
        [f"https://sqs.{r.choice(REGIONS)}.amazonaws.com/", Pii(aws_account_id(r), "ID"), f"/{r.choice(('jobs', 'ingest-dlq', 'events.fifo'))}"],
        [f"arn:aws:kms:{r.choice(REGIONS)}:", Pii(aws_account_id(r), "ID"), f":key/{guid(r)}"],
    )
    keys = ("resource id", "topic arn", "queue url", "kms key arn", "service account", "storage account id")
    picks = r.sample(range(len(forms)), r.randint(1, 2))
    if c.kind == "markdown":
        return [["- `", *forms[i], "`"] for i in picks]
    if c.kind == "shell":
        return [[f"aws {r.choice(('sns publish --topic-arn', 'sqs send-message --queue-url', 'kms decrypt --key-id'))} \"", *forms[i], "\""] for i in picks]
    return [c.set(r.choice(keys), forms[i]) for i in picks]


@kind_negatives(shared=KINDS + ("terraform",))
def cloud_negatives(c: Ctx) -> list[Line]:
    """Object IDs, managed-policy ARNs and the published sample account: nothing labeled."""
    r = c.rng
    values = (("vpc id", f"vpc-{rand(r, HEX, 17)}"), ("subnet id", f"subnet-{rand(r, HEX, 17)}"), ("security group", f"sg-{rand(r, HEX, 17)}"),
              ("instance id", f"i-{rand(r, HEX, 17)}"), ("ami", f"ami-{rand(r, HEX, 17)}"), ("request id", guid(r)),
              ("policy arn", f"arn:aws:iam::aws:policy/{r.choice(('ReadOnlyAccess', 'AmazonS3FullAccess', 'AdministratorAccess'))}"),
              ("role arn", "arn:aws:iam::123456789012:role/example-role"), ("region", r.choice(REGIONS)),
              ("snapshot id", f"snap-{rand(r, HEX, 17)}"), ("etag", rand(r, HEX, 32)))
    return [c.set(key, [value]) for key, value in r.sample(values, r.randint(2, 4))]
