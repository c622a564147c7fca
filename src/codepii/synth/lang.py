"""Syntax of each file kind: comments, docstrings, settings (``key = value``) and quoting.

Contexts describe *what* to write (a credential under a key, a comment naming
a person); a :class:`Lang` says *how* that looks in one language, so every
context works in every kind that can hold it.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .builder import Line, Piece, flat


@dataclass(frozen=True)
class Lang:
    kind: str  # file kind (record "kind")
    language: str  # record "language"
    exts: tuple[str, ...]  # file name suffixes, first is the usual one
    comment: str | None  # line comment prefix
    block: tuple[str, str, str] | None  # block comment: open, line prefix, close
    cases: tuple[str, ...]  # identifier styles for setting keys: snake, upper, camel, pascal, kebab
    settings: tuple[tuple[str, str, str], ...]  # (form, block opener, block closer), see LANGS
    quotes: tuple[str, ...]
    doc: tuple[str, str, str] | None = None  # docstring: open, line prefix, close
    code: bool = True  # a programming language (has functions, filler code)
    narrow: bool = False  # holds only the contexts that name its kind (a zone file never gets a connection string)


def _case(words: list[str], style: str) -> str:
    if style == "upper":
        return "_".join(words).upper()
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == "pascal":
        return "".join(w.capitalize() for w in words)
    if style == "kebab":
        return "-".join(words)
    if style == "dotted":
        return ".".join(words)
    return "_".join(words)


def pick_quote(rng: random.Random, lang: Lang, value: str) -> str:
    """A quote from the language's styles that does not clash with the value."""
    options = [q for q in lang.quotes if not q or q not in value]
    if "" in options and (re.search(r"[\s#:;'\"{}\[\],&*!|>%@`$]", value) or not value):
        options = [q for q in options if q]
    return rng.choice(options or ['"'])


def setting(rng: random.Random, lang: Lang, key: str, value: list[Piece], form: str | None = None, case: str | None = None) -> Line:
    """One ``key = value`` line in the language; the value's pieces keep their labels."""
    form = form or rng.choice(lang.settings)[0]
    words = key.lower().split()
    k = _case(words, case or rng.choice(lang.cases))
    q = pick_quote(rng, lang, flat(value))
    before, after = form.split("{v}")
    slots = {"k": k, "q": q, "K": _case(words, "upper"), "kk": _case(words, "kebab")}
    return [before.format(**slots), *value, after.format(**slots)]


def comment(rng: random.Random, lang: Lang, lines: list[Line], block: bool | None = None) -> list[Line]:
    """Lines as a comment; prose for kinds without comments (Markdown); nothing for JSON."""
    use_block = lang.block is not None and (block if block is not None else (lang.comment is None or rng.random() < 0.3))
    if use_block:
        open_, mid, close = lang.block
        return [[open_], *[[mid, *ln] if ln else [mid.rstrip()] for ln in lines], [close]]
    if lang.comment is None:
        return [list(ln) for ln in lines] if lang.kind in PROSE_KINDS else []
    return [[lang.comment + " ", *ln] if ln else [lang.comment] for ln in lines]


def docstring(rng: random.Random, lang: Lang, lines: list[Line], indent: str = "") -> list[Line]:
    if lang.doc is None:
        return [[indent, *ln] for ln in comment(rng, lang, lines)]
    open_, mid, close = lang.doc
    out = [[indent + open_]] if open_ else []
    out += [[indent + mid, *ln] if ln else [(indent + mid).rstrip()] for ln in lines]
    if close:
        out.append([indent + close])
    return out


# Kinds without comment syntax whose "comments" are plain prose lines.
PROSE_KINDS = ("markdown", "text", "changelog", "credits", "commit")
_C_BLOCK = ("/*", " * ", " */")
_JAVADOC = ("/**", " * ", " */")

# Setting forms: (line with {k}/{K}/{kk}, {q} and one {v}; the block's opening lines; its closing lines).
# A block of settings shares one form and is wrapped in its opener/closer (a dict, a
# function, a section), so settings sit where they would in real code.

LANGS: dict[str, Lang] = {
    lang.kind: lang
    for lang in (
        Lang("python", "python", (".py",), "#", None, ("snake", "upper"),
             (("{K} = {q}{v}{q}", "", ""), ("{k} = {q}{v}{q}", "", ""), ("    {q}{k}{q}: {q}{v}{q},", "⟨VAR⟩ = {", "}"),
              ("    {k}={q}{v}{q},", "⟨var⟩ = ⟨Cls⟩(", ")"), ('os.environ.setdefault("{K}", {q}{v}{q})', "", ""),
              ("        self.{k} = {q}{v}{q}", "class ⟨Cls⟩Config:\n    def __init__(self):", "")),
             ('"', "'"), ('"""', "", '"""')),
        Lang("javascript", "javascript", (".js", ".mjs"), "//", _C_BLOCK, ("camel", "upper"),
             (("const {k} = {q}{v}{q};", "", ""), ("  {k}: {q}{v}{q},", "const ⟨var⟩ = {", "};"), ("  {k}: {q}{v}{q},", "module.exports = {", "};"),
              ("process.env.{K} = {q}{v}{q};", "", ""), ("exports.{k} = {q}{v}{q};", "", "")),
             ("'", '"', "`"), _JAVADOC),
        Lang("typescript", "typescript", (".ts", ".tsx"), "//", _C_BLOCK, ("camel", "upper"),
             (("export const {K} = {q}{v}{q};", "", ""), ("const {k}: string = {q}{v}{q};", "", ""),
              ("  {k}: {q}{v}{q},", "export const environment = {", "};"), ("  readonly {k} = {q}{v}{q};", "export class ⟨Cls⟩Config {", "}")),
             ("'", '"'), _JAVADOC),
        Lang("java", "java", (".java",), "//", _C_BLOCK, ("upper", "camel"),
             (('    private static final String {K} = "{v}";', "", ""),
              ('        props.setProperty("{k}", "{v}");', "    static Properties defaults() {\n        Properties props = new Properties();", "        return props;\n    }"),
              ('        config.put("{k}", "{v}");', "    static {", "    }")),
             ('"',), _JAVADOC),
        Lang("go", "go", (".go",), "//", None, ("camel", "pascal"),
             (('const {k} = "{v}"', "", ""), ('\t{k} := "{v}"', "func ⟨Fn⟩() {", "}"), ('\t{K}: "{v}",', "var defaultConfig = Config{", "}"),
              ('\tos.Setenv("{K}", "{v}")', "func init() {", "}"), ("\t{k} = `{v}`", "var (", ")")),
             ('"',), ("", "// ", "")),
        Lang("c", "c", (".c", ".h"), "//", _C_BLOCK, ("upper", "snake"),
             (('#define {K} "{v}"', "", ""), ('static const char *{k} = "{v}";', "", ""),
              ('    setenv("{K}", "{v}", 1);', "static void setup_env(void)\n{", "}")),
             ('"',), _C_BLOCK),
        Lang("cpp", "cpp", (".cpp", ".cc", ".hpp"), "//", _C_BLOCK, ("snake", "pascal"),
             (('const std::string {k} = "{v}";', "", ""), ('constexpr const char* k{k} = "{v}";', "namespace config {", "}  // namespace config"),
              ('    cfg["{k}"] = "{v}";', "void LoadDefaults(Config& cfg) {", "}")),
             ('"',), ("", "/// ", "")),
        Lang("csharp", "csharp", (".cs",), "//", _C_BLOCK, ("pascal", "camel"),
             (('        private const string {k} = "{v}";', "", ""), ('        public string {k} {{ get; set; }} = "{v}";', "", ""),
              ('            {k} = "{v}",', "        private static readonly Settings Defaults = new Settings\n        {", "        };")),
             ('"',), ("", "/// ", "")),
        Lang("php", "php", (".php",), "//", _C_BLOCK, ("snake", "upper"),
             (("${k} = {q}{v}{q};", "", ""), ("    {q}{k}{q} => {q}{v}{q},", "return [", "];"), ("define({q}{K}{q}, {q}{v}{q});", "", ""),
              ("$config[{q}{k}{q}] = {q}{v}{q};", "", "")),
             ("'", '"'), _JAVADOC),
        Lang("ruby", "ruby", (".rb",), "#", None, ("snake", "upper"),
             (("{K} = {q}{v}{q}.freeze", "", ""), ("  config.{k} = {q}{v}{q}", "Rails.application.configure do", "end"),
              ("  {k}: {q}{v}{q},", "DEFAULTS = {", "}.freeze"), ("ENV[{q}{K}{q}] ||= {q}{v}{q}", "", ""), ("{k} = {q}{v}{q}", "", "")),
             ("'", '"')),
        Lang("rust", "rust", (".rs",), "//", None, ("upper", "snake"),
             (('const {K}: &str = "{v}";', "", ""), ('    let {k} = "{v}";', "fn ⟨fn⟩() {", "}"),
              ('        {k}: "{v}".to_string(),', "fn default_config() -> Config {\n    Config {", "    }\n}")),
             ('"',), ("", "/// ", "")),
        Lang("shell", "shell", (".sh", ".bash"), "#", None, ("upper",),
             (("export {K}={q}{v}{q}", "", ""), ("{K}={q}{v}{q}", "", ""), ("  --{kk} {q}{v}{q} \\", "./bin/⟨mod⟩ \\", "  --verbose"),
              ('echo "{K}={v}" >> .env', "", "")),
             ('"', "'", ""), None),
        Lang("yaml", "yaml", (".yaml", ".yml"), "#", None, ("snake", "kebab", "camel"),
             (("{k}: {q}{v}{q}", "", ""), ("  {k}: {q}{v}{q}", "⟨noun⟩:", ""), ("    {k}: {q}{v}{q}", "spring:\n  datasource:", ""),
              ("  - name: {K}\n    value: {q}{v}{q}", "env:", ""), ("  {K}: {q}{v}{q}", "environment:", "")),
             ("", '"', "'"), None, False),
        Lang("json", "json", (".json",), None, None, ("snake", "camel"),
             (('  "{k}": "{v}",', "", ""), ('    "{k}": "{v}",', '  "⟨noun⟩": {', "  },")), ('"',), None, False),
        Lang("env", "dotenv", (".env",), "#", None, ("upper",), (("{K}={q}{v}{q}", "", ""), ("export {K}={q}{v}{q}", "", "")), ("", '"', "'"), None, False),
        Lang("ini", "ini", (".ini", ".cfg", ".conf"), "#", None, ("snake", "dotted"),
             (("{k} = {v}", "[⟨noun⟩]", ""), ("{k}={v}", "", ""), ("{k}: {v}", "[⟨noun⟩]", "")), ("",), None, False),
        Lang("toml", "toml", (".toml",), "#", None, ("snake", "kebab"), (("{k} = {q}{v}{q}", "[⟨noun⟩]", ""), ("{k} = {q}{v}{q}", "", "")), ('"', "'"), None, False),
        Lang("sql", "sql", (".sql",), "--", _C_BLOCK, ("snake",), (("SET @{k} = {q}{v}{q};", "", ""), ("-- {k}: {v}", "", "")), ("'",), None, True),
        Lang("markdown", "markdown", (".md",), None, None, ("snake", "upper"),
             (("- `{k}`: `{v}`", "", ""), ("* **{k}**: {v}", "", ""), ("{K}={v}", "```", "```")), ("",), None, False),
        Lang("text", "text", ("", ".txt", ".rst"), None, None, ("pascal", "snake"), (("{k}: {v}", "", ""), ("{k} = {v}", "", "")), ("",), None, False),
        # Narrow kinds (issue 12): files whose whole content is one real-code pattern.
        Lang("changelog", "text", (".md", ".rst", ""), None, None, ("pascal", "snake"), (("{k}: {v}", "", ""),), ("",), None, False, True),
        Lang("credits", "text", ("", ".md", ".rst", ".txt"), None, None, ("pascal", "snake"), (("{k}: {v}", "", ""),), ("",), None, False, True),
        Lang("commit", "text", ("", ".patch", ".txt"), None, None, ("pascal",), (("{k}: {v}", "", ""),), ("",), None, False, True),
        Lang("zone", "dns-zone", (".zone", ".db", ""), ";", None, ("snake",), (("; {k}: {v}", "", ""),), ("",), None, False, True),
        Lang("pem", "pem", (".pem", ".crt"), "#", None, ("pascal",), (("# {k}: {v}", "", ""),), ("",), None, False, True),
        Lang("requirements", "pip-requirements", (".txt", ".in"), "#", None, ("snake",), (("# {k}: {v}", "", ""),), ("",), None, False, True),
        Lang("mib", "mib", (".mib", ".txt", ""), "--", None, ("pascal",), (("-- {k}: {v}", "", ""),), ("",), None, False, True),
        Lang("xml", "xml", (".xml", ".config", ".csproj"), None, ("<!--", "  ", "-->"), ("camel", "pascal", "dotted"),
             (('    <add key="{k}" value="{v}" />', "  <appSettings>", "  </appSettings>"), ("    <{k}>{v}</{k}>", "  <properties>", "  </properties>"),
              ('  <property name="{k}" value="{v}"/>', "", ""), ('    <entry key="{k}">{v}</entry>', "  <map>", "  </map>")),
             ('"',), None, False),
        Lang("html", "html", (".html",), None, ("<!--", "  ", "-->"), ("camel", "kebab"),
             (('  <meta name="{k}" content="{v}">', "", ""), ('    <input type="hidden" name="{k}" value="{v}">', '  <form method="post" action="/⟨noun⟩">', "  </form>"),
              ('      <td class="{k}">{v}</td>', "    <tr>", "    </tr>"), ("  {k}: '{v}',", "<script>\nwindow.__CONFIG__ = {", "};\n</script>")),
             ('"',), None, False),
        Lang("dockerfile", "dockerfile", ("Dockerfile",), "#", None, ("upper",), (("ENV {K}={q}{v}{q}", "", ""), ("ARG {K}={q}{v}{q}", "", ""), ("ENV {K} {v}", "", "")), ("", '"'), None, False),
        Lang("terraform", "hcl", (".tf", ".tfvars"), "#", _C_BLOCK, ("snake",),
             (('  {k} = "{v}"', 'resource "⟨tfres⟩" "⟨noun⟩" {', "}"), ('{k} = "{v}"', "", ""), ('  {k} = "{v}"', "locals {", "}"),
              ('    {K} = "{v}"', 'resource "aws_lambda_function" "⟨noun⟩" {\n  environment {\n    variables = {', "    }\n  }\n}")),
             ('"',), None, False),
    )
}
