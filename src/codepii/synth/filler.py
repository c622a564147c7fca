"""Ordinary code around the PII: small, plausible functions per language.

Templates use ``⟨slot⟩`` markers (characters no language uses) filled with
identifiers from a vocabulary, so the same template reads differently each
time. None of them holds PII.
"""
from __future__ import annotations

import random
import re

NOUNS = (
    "user", "order", "invoice", "session", "record", "item", "payload", "config", "request", "message", "event",
    "account", "token", "report", "batch", "job", "node", "entry", "packet", "customer", "file", "chunk", "metric",
)
VERBS = ("load", "parse", "fetch", "build", "validate", "process", "handle", "render", "sync", "update", "compute", "resolve", "flush", "encode")
FIELDS = ("id", "name", "status", "created_at", "count", "size", "kind", "value", "timeout", "retries", "path", "offset")
MODULES = ("utils", "client", "models", "storage", "handlers", "cache", "db", "auth", "settings", "api", "core", "helpers")

_T = {
    "python": (
        "def ⟨fn⟩(path):\n    \"\"\"Read ⟨noun⟩s from a JSON lines file.\"\"\"\n    with open(path, encoding=\"utf-8\") as f:\n        return [json.loads(line) for line in f if line.strip()]\n",
        "@dataclass(frozen=True)\nclass ⟨Cls⟩:\n    ⟨field⟩: int = ⟨n⟩\n    name: str = \"\"\n    tags: tuple[str, ...] = ()\n",
        "async def ⟨fn⟩(session, url):\n    async with session.get(url, timeout=⟨n⟩) as resp:\n        resp.raise_for_status()\n        return await resp.json()\n",
        "if __name__ == \"__main__\":\n    parser = argparse.ArgumentParser(description=\"⟨fn⟩ ⟨noun⟩s\")\n    parser.add_argument(\"--⟨field⟩\", type=int, default=⟨n⟩)\n    args = parser.parse_args()\n    ⟨fn⟩(args.⟨field⟩)\n",
        "def ⟨fn⟩(⟨var⟩, ⟨var2⟩=None):\n    if ⟨var⟩ is None:\n        raise ValueError(\"⟨var⟩ is required\")\n    result = []\n    for ⟨noun⟩ in ⟨var⟩:\n        if ⟨var2⟩ and ⟨noun⟩.⟨field⟩ not in ⟨var2⟩:\n            continue\n        result.append(⟨noun⟩)\n    return result\n",
        "class ⟨Cls⟩:\n    def __init__(self, ⟨var⟩, timeout=⟨n⟩):\n        self.⟨var⟩ = ⟨var⟩\n        self.timeout = timeout\n        self._cache = {}\n\n    def ⟨fn⟩(self, key):\n        if key in self._cache:\n            return self._cache[key]\n        value = self.⟨var⟩.get(key)\n        self._cache[key] = value\n        return value\n",
        "@pytest.fixture\ndef ⟨noun⟩_factory(tmp_path):\n    path = tmp_path / \"⟨noun⟩.json\"\n    path.write_text(json.dumps({\"⟨field⟩\": ⟨n⟩}))\n    return path\n",
        "import logging\nimport os\n\nfrom .⟨mod⟩ import ⟨Cls⟩\n\nlog = logging.getLogger(__name__)\n",
        "class Test⟨Cls⟩(unittest.TestCase):\n    def test_⟨fn⟩_⟨noun⟩(self):\n        ⟨var⟩ = ⟨fn⟩(⟨n⟩)\n        self.assertEqual(len(⟨var⟩), ⟨n⟩)\n        self.assertIsNone(⟨var⟩[0].⟨field⟩)\n",
    ),
    "javascript": (
        "export default class ⟨Cls⟩ {\n  constructor(options = {}) {\n    this.⟨field⟩ = options.⟨field⟩ ?? ⟨n⟩;\n    this.items = new Map();\n  }\n\n  ⟨fn⟩(key) {\n    return this.items.get(key);\n  }\n}\n",
        "document.querySelectorAll('.⟨noun⟩').forEach((el) => {\n  el.addEventListener('click', () => {\n    el.classList.toggle('active');\n  });\n});\n",
        "function ⟨fn⟩(⟨var⟩, options = {}) {\n  const ⟨var2⟩ = options.⟨field⟩ || ⟨n⟩;\n  return ⟨var⟩.filter((⟨noun⟩) => ⟨noun⟩.⟨field⟩ !== undefined)\n    .slice(0, ⟨var2⟩);\n}\n",
        "const ⟨mod⟩ = require('./⟨mod⟩');\nconst express = require('express');\n\nconst router = express.Router();\n",
        "router.get('/⟨noun⟩s/:id', async (req, res) => {\n  try {\n    const ⟨noun⟩ = await ⟨mod⟩.⟨fn⟩(req.params.id);\n    res.json(⟨noun⟩);\n  } catch (err) {\n    res.status(500).json({ error: err.message });\n  }\n});\n",
        "describe('⟨fn⟩', () => {\n  it('returns the ⟨noun⟩', async () => {\n    const ⟨var⟩ = await ⟨fn⟩({ ⟨field⟩: ⟨n⟩ });\n    expect(⟨var⟩).toBeDefined();\n  });\n});\n",
    ),
    "typescript": (
        "const ⟨var⟩ = new Map<string, ⟨Cls⟩>();\n\nexport function get⟨Cls⟩(id: string): ⟨Cls⟩ | undefined {\n  return ⟨var⟩.get(id);\n}\n",
        "export type ⟨Cls⟩State = {\n  loading: boolean;\n  ⟨var⟩: ⟨Cls⟩[];\n  error?: string;\n};\n",
        "export function ⟨fn⟩<T>(items: T[], size = ⟨n⟩): T[][] {\n  const out: T[][] = [];\n  for (let i = 0; i < items.length; i += size) {\n    out.push(items.slice(i, i + size));\n  }\n  return out;\n}\n",
        "export interface ⟨Cls⟩ {\n  ⟨field⟩: string;\n  ⟨var⟩?: number;\n}\n",
        "export async function ⟨fn⟩(⟨var⟩: ⟨Cls⟩[]): Promise<number> {\n  let total = 0;\n  for (const ⟨noun⟩ of ⟨var⟩) {\n    total += ⟨noun⟩.⟨var⟩ ?? ⟨n⟩;\n  }\n  return total;\n}\n",
        "import { Injectable } from '@angular/core';\nimport { HttpClient } from '@angular/common/http';\n",
        "@Injectable({ providedIn: 'root' })\nexport class ⟨Cls⟩Service {\n  constructor(private http: HttpClient) {}\n\n  ⟨fn⟩(id: string) {\n    return this.http.get<⟨Cls⟩>(`/api/⟨noun⟩s/${id}`);\n  }\n}\n",
    ),
    "java": (
        "    private final Map<String, ⟨Cls⟩> cache = new HashMap<>();\n\n    public Optional<⟨Cls⟩> find(String key) {\n        return Optional.ofNullable(cache.get(key));\n    }\n",
        "    public List<⟨Cls⟩> ⟨fn⟩(int ⟨var⟩) {\n        List<⟨Cls⟩> out = new ArrayList<>();\n        for (int i = 0; i < ⟨var⟩; i++) {\n            out.add(new ⟨Cls⟩(i));\n        }\n        return out;\n    }\n",
        "    @Override\n    public String toString() {\n        return \"⟨Cls⟩{⟨field⟩=\" + ⟨field⟩ + \"}\";\n    }\n",
        "    @Test\n    public void ⟨fn⟩ShouldWork() throws Exception {\n        ⟨Cls⟩ ⟨var⟩ = new ⟨Cls⟩(⟨n⟩);\n        assertEquals(⟨n⟩, ⟨var⟩.get⟨Field⟩());\n    }\n",
        "import java.util.ArrayList;\nimport java.util.List;\nimport java.util.Properties;\n",
    ),
    "go": (
        "func (h *⟨Cls⟩) ServeHTTP(w http.ResponseWriter, r *http.Request) {\n\tif r.Method != http.MethodGet {\n\t\thttp.Error(w, \"method not allowed\", http.StatusMethodNotAllowed)\n\t\treturn\n\t}\n\tjson.NewEncoder(w).Encode(h.items)\n}\n",
        "func (s *⟨Cls⟩) ⟨Fn⟩(ctx context.Context, id string) error {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\tif _, ok := s.items[id]; !ok {\n\t\treturn fmt.Errorf(\"⟨noun⟩ %s not found\", id)\n\t}\n\tdelete(s.items, id)\n\treturn nil\n}\n",
        "func ⟨Fn⟩(⟨var⟩ []⟨Cls⟩) (int, error) {\n\tif len(⟨var⟩) == 0 {\n\t\treturn 0, errors.New(\"empty ⟨noun⟩ list\")\n\t}\n\tn := 0\n\tfor _, ⟨noun⟩ := range ⟨var⟩ {\n\t\tn += ⟨noun⟩.⟨Field⟩\n\t}\n\treturn n, nil\n}\n",
        "type ⟨Cls⟩ struct {\n\t⟨Field⟩ int    `json:\"⟨field⟩\"`\n\tName  string `json:\"name\"`\n}\n",
        "import (\n\t\"errors\"\n\t\"fmt\"\n\t\"os\"\n)\n",
        "func Test⟨Fn⟩(t *testing.T) {\n\tgot, err := ⟨Fn⟩(nil)\n\tif err == nil {\n\t\tt.Fatalf(\"expected error, got %d\", got)\n\t}\n}\n",
    ),
    "c": (
        "int ⟨fn⟩(struct ⟨noun⟩ *head)\n{\n    int n = 0;\n    while (head != NULL) {\n        n += head->⟨field⟩;\n        head = head->next;\n    }\n    return n;\n}\n",
        "static void usage(const char *prog)\n{\n    fprintf(stderr, \"usage: %s [-v] <⟨noun⟩-file>\\n\", prog);\n    exit(EXIT_FAILURE);\n}\n",
        "static int ⟨fn⟩(const char *⟨var⟩, size_t len)\n{\n    size_t i;\n    int ⟨var2⟩ = 0;\n\n    for (i = 0; i < len; i++) {\n        if (⟨var⟩[i] == '\\n')\n            ⟨var2⟩++;\n    }\n    return ⟨var2⟩;\n}\n",
        "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n",
        "struct ⟨noun⟩ {\n    int ⟨field⟩;\n    char name[⟨n⟩];\n    struct ⟨noun⟩ *next;\n};\n",
    ),
    "cpp": (
        "bool ⟨Cls⟩::⟨Fn⟩(const std::string& key) {\n    std::lock_guard<std::mutex> lock(mu_);\n    auto it = cache_.find(key);\n    if (it == cache_.end()) {\n        return false;\n    }\n    cache_.erase(it);\n    return true;\n}\n",
        "int main(int argc, char** argv) {\n    if (argc < 2) {\n        std::cerr << \"usage: \" << argv[0] << \" <⟨noun⟩>\\n\";\n        return 1;\n    }\n    std::cout << ⟨fn⟩(argv[1]) << std::endl;\n    return 0;\n}\n",
        "TEST(⟨Cls⟩Test, ⟨Fn⟩ReturnsEmpty) {\n    ⟨Cls⟩ ⟨noun⟩(⟨n⟩);\n    EXPECT_EQ(⟨noun⟩.⟨field⟩(), ⟨n⟩);\n}\n",
        "template <typename T>\nT clamp_⟨field⟩(T value, T lo, T hi) {\n    return std::max(lo, std::min(value, hi));\n}\n",
        "std::vector<int> ⟨fn⟩(const std::vector<int>& ⟨var⟩) {\n    std::vector<int> out;\n    std::copy_if(⟨var⟩.begin(), ⟨var⟩.end(), std::back_inserter(out),\n                 [](int x) { return x > ⟨n⟩; });\n    return out;\n}\n",
        "#include <string>\n#include <vector>\n#include <algorithm>\n",
        "class ⟨Cls⟩ {\n public:\n  explicit ⟨Cls⟩(int ⟨field⟩) : ⟨field⟩_(⟨field⟩) {}\n  int ⟨field⟩() const { return ⟨field⟩_; }\n\n private:\n  int ⟨field⟩_;\n};\n",
    ),
    "csharp": (
        "        public override string ToString() => $\"⟨Cls⟩({⟨Field⟩})\";\n",
        "        [Fact]\n        public void ⟨Fn⟩_ReturnsDefault()\n        {\n            var sut = new ⟨Cls⟩();\n            Assert.Equal(⟨n⟩, sut.⟨Field⟩);\n        }\n",
        "        private readonly ILogger<⟨Cls⟩> _logger;\n\n        public ⟨Cls⟩(ILogger<⟨Cls⟩> logger)\n        {\n            _logger = logger;\n        }\n",
        "        public IEnumerable<⟨Cls⟩> ⟨Fn⟩(int limit = ⟨n⟩)\n        {\n            return _items.Where(x => x.⟨Field⟩ > 0).Take(limit);\n        }\n",
        "        [HttpGet(\"{id}\")]\n        public async Task<IActionResult> Get(int id)\n        {\n            var item = await _service.⟨Fn⟩Async(id);\n            return item is null ? NotFound() : Ok(item);\n        }\n",
        "        public async Task<⟨Cls⟩> ⟨Fn⟩Async(int id)\n        {\n            var ⟨var⟩ = await _context.⟨Cls⟩s.FindAsync(id);\n            if (⟨var⟩ == null)\n            {\n                throw new KeyNotFoundException($\"⟨noun⟩ {id}\");\n            }\n            return ⟨var⟩;\n        }\n",
        "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\n",
    ),
    "php": (
        "final class ⟨Cls⟩Repository\n{\n    public function ⟨fn⟩(int $id): ?array\n    {\n        $row = $this->db->fetchAssociative('SELECT * FROM ⟨noun⟩s WHERE id = ?', [$id]);\n        return $row ?: null;\n    }\n}\n",
        "class ⟨Cls⟩Controller extends Controller\n{\n    public function index(Request $request)\n    {\n        $items = ⟨Cls⟩::query()->limit(⟨n⟩)->get();\n        return response()->json($items);\n    }\n}\n",
        "function ⟨fn⟩($⟨var⟩, $⟨var2⟩ = ⟨n⟩)\n{\n    $result = [];\n    foreach ($⟨var⟩ as $⟨noun⟩) {\n        if (count($result) >= $⟨var2⟩) {\n            break;\n        }\n        $result[] = $⟨noun⟩['⟨field⟩'];\n    }\n    return $result;\n}\n",
        "namespace App\\⟨Cls⟩;\n\nuse Illuminate\\Support\\Facades\\DB;\n",
    ),
    "ruby": (
        "module ⟨Cls⟩Helper\n  def format_⟨field⟩(value)\n    value.to_s.rjust(⟨n⟩, '0')\n  end\nend\n",
        "def ⟨fn⟩(⟨var⟩, ⟨var2⟩: ⟨n⟩)\n  ⟨var⟩.select { |⟨noun⟩| ⟨noun⟩.⟨field⟩ }.first(⟨var2⟩)\nend\n",
        "class ⟨Cls⟩ < ApplicationRecord\n  belongs_to :⟨noun⟩\n  validates :⟨field⟩, presence: true\nend\n",
        "require 'json'\nrequire_relative '⟨mod⟩'\n",
        "describe ⟨Cls⟩ do\n  it 'computes the ⟨field⟩' do\n    expect(subject.⟨fn⟩([])).to eq([])\n  end\nend\n",
    ),
    "rust": (
        "impl fmt::Display for ⟨Cls⟩ {\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {\n        write!(f, \"⟨noun⟩({})\", self.⟨field⟩)\n    }\n}\n",
        "pub fn ⟨fn⟩(path: &Path) -> io::Result<Vec<String>> {\n    let text = fs::read_to_string(path)?;\n    Ok(text.lines().map(str::to_owned).collect())\n}\n",
        "impl ⟨Cls⟩ {\n    pub fn new(⟨field⟩: u32) -> Self {\n        Self { ⟨field⟩, name: String::new() }\n    }\n}\n",
        "#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn ⟨fn⟩_works() {\n        assert_eq!(⟨fn⟩(b\"a\\nb\").unwrap(), 1);\n    }\n}\n",
        "pub fn ⟨fn⟩(⟨var⟩: &[u8]) -> Result<usize, ⟨Cls⟩Error> {\n    if ⟨var⟩.is_empty() {\n        return Err(⟨Cls⟩Error::Empty);\n    }\n    Ok(⟨var⟩.iter().filter(|b| **b == b'\\n').count())\n}\n",
        "use std::collections::HashMap;\nuse std::env;\n",
        "#[derive(Debug, Clone)]\npub struct ⟨Cls⟩ {\n    pub ⟨field⟩: u32,\n    pub name: String,\n}\n",
    ),
    "shell": (
        "if ! command -v jq >/dev/null 2>&1; then\n  echo \"jq is required\" >&2\n  exit 1\nfi\n",
        "case \"${1:-}\" in\n  start) ⟨fn⟩ start ;;\n  stop)  ⟨fn⟩ stop ;;\n  *) echo \"usage: $0 {start|stop}\"; exit 2 ;;\nesac\n",
        "docker build -t ⟨mod⟩:latest .\ndocker run --rm -p 8080:8080 ⟨mod⟩:latest\n",
        "⟨fn⟩() {\n  local ⟨var⟩=\"$1\"\n  if [ -z \"$⟨var⟩\" ]; then\n    echo \"usage: ⟨fn⟩ <⟨noun⟩>\" >&2\n    return 1\n  fi\n  ls -la \"$⟨var⟩\" | wc -l\n}\n",
        "set -euo pipefail\nSCRIPT_DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n",
        "for ⟨noun⟩ in ⟨noun⟩s/*.json; do\n  jq '.⟨field⟩' \"$⟨noun⟩\"\ndone\n",
    ),
    "sql": (
        "ALTER TABLE ⟨noun⟩s ADD COLUMN ⟨field⟩ INTEGER DEFAULT ⟨n⟩;\n",
        "UPDATE ⟨noun⟩s SET status = 'archived' WHERE created_at < NOW() - INTERVAL '⟨n⟩ days';\n",
        "CREATE TABLE ⟨noun⟩s (\n    id SERIAL PRIMARY KEY,\n    ⟨field⟩ VARCHAR(⟨n⟩) NOT NULL,\n    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP\n);\n",
        "SELECT u.id, count(o.id) AS n\nFROM users u\nLEFT JOIN ⟨noun⟩s o ON o.user_id = u.id\nGROUP BY u.id\nHAVING count(o.id) > ⟨n⟩;\n",
        "CREATE INDEX idx_⟨noun⟩_⟨field⟩ ON ⟨noun⟩s (⟨field⟩);\n",
    ),
    "yaml": (
        "services:\n  ⟨mod⟩:\n    image: ⟨mod⟩:latest\n    ports:\n      - \"8080:8080\"\n    restart: unless-stopped\n",
        "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n",
        "⟨noun⟩:\n  enabled: true\n  ⟨field⟩: ⟨n⟩\n  retries: 3\n",
        "logging:\n  level: INFO\n  format: \"%(asctime)s %(message)s\"\n",
    ),
    "terraform": (
        "output \"⟨noun⟩_arn\" {\n  value = aws_iam_role.⟨noun⟩.arn\n}\n",
        "module \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.⟨n⟩.0\"\n}\n",
        "resource \"aws_instance\" \"⟨noun⟩\" {\n  ami           = var.ami_id\n  instance_type = \"t3.micro\"\n  tags = {\n    Name = \"⟨noun⟩-⟨n⟩\"\n  }\n}\n",
        "variable \"⟨field⟩\" {\n  type    = number\n  default = ⟨n⟩\n}\n",
    ),
    "dockerfile": (
        "EXPOSE 8080\nHEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1\nCMD [\"python\", \"-m\", \"⟨mod⟩\"]\n",
        "RUN useradd --create-home app\nUSER app\n",
        "RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*\n",
        "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . /app\nWORKDIR /app\n",
    ),
    "markdown": (
        "## ⟨Cls⟩\n\nThe `⟨fn⟩` function loads each ⟨noun⟩ and returns its `⟨field⟩`.\nCall it with a list; it raises when the list is empty.\n",
        "### Installation\n\n```bash\npip install ⟨mod⟩\n```\n",
        "## Configuration\n\nSettings are read from the environment first, then from `config/⟨mod⟩.yaml`.\n"
        "Unknown keys are rejected at start-up, so a typo fails fast instead of being ignored.\n",
        "## Usage\n\n```python\nfrom ⟨mod⟩ import ⟨Cls⟩\n\n⟨var⟩ = ⟨Cls⟩(timeout=⟨n⟩)\n⟨var⟩.⟨fn⟩()\n```\n",
        "| option | default | meaning |\n| --- | --- | --- |\n| `⟨field⟩` | `⟨n⟩` | how many ⟨noun⟩s to keep |\n| `retries` | `3` | attempts before giving up |\n",
        "## Troubleshooting\n\nIf the ⟨noun⟩ queue stalls, check that the worker can reach the broker and that\n"
        "the `⟨field⟩` limit is not lower than the batch size (⟨n⟩ by default).\n",
        "## License\n\nReleased under the MIT License. See `LICENSE` for details.\n",
    ),
    "xml": (
        "  <logger name=\"org.⟨mod⟩.⟨noun⟩\" level=\"INFO\" additivity=\"false\">\n    <appender-ref ref=\"CONSOLE\"/>\n  </logger>\n",
        "  <bean id=\"⟨noun⟩Service\" class=\"org.⟨mod⟩.⟨Cls⟩\">\n    <property name=\"⟨field⟩\" value=\"⟨n⟩\"/>\n  </bean>\n",
        "  <dependency>\n    <groupId>org.⟨mod⟩</groupId>\n    <artifactId>⟨noun⟩-core</artifactId>\n    <version>1.⟨n⟩.0</version>\n  </dependency>\n","  <⟨noun⟩ ⟨field⟩=\"⟨n⟩\" enabled=\"true\"/>\n",),
    "html": (
        "  <nav class=\"navbar\">\n    <a href=\"/\">Home</a>\n    <a href=\"/⟨noun⟩s\">⟨Cls⟩s</a>\n    <a href=\"/docs\">Docs</a>\n  </nav>\n",
        "  <form id=\"⟨noun⟩-form\" method=\"post\">\n    <label for=\"⟨field⟩\">⟨Field⟩</label>\n    <input id=\"⟨field⟩\" name=\"⟨field⟩\" type=\"text\" required>\n    <button type=\"submit\">Save</button>\n  </form>\n",
        "  <table class=\"⟨noun⟩s\">\n    <thead><tr><th>ID</th><th>⟨Field⟩</th></tr></thead>\n    <tbody id=\"⟨noun⟩-rows\"></tbody>\n  </table>\n",
        "  <link rel=\"stylesheet\" href=\"/static/⟨mod⟩.css\">\n  <script src=\"/static/⟨mod⟩.js\" defer></script>\n","  <div class=\"⟨noun⟩-list\">\n    <span class=\"⟨field⟩\">⟨n⟩</span>\n  </div>\n",),
    "ini": ("[⟨noun⟩]\n⟨field⟩ = ⟨n⟩\nenabled = true\n",),
    "toml": ("[⟨noun⟩]\n⟨field⟩ = ⟨n⟩\nenabled = true\n",),
    "env": ("⟨NOUN⟩_⟨FIELD⟩=⟨n⟩\nLOG_LEVEL=info\n",),
}

_SLOT = re.compile("⟨(\\w+)⟩")
# Templates that open a file (imports, includes, namespaces): used once, at the top.
HEAD_PREFIXES = ("import", "#include", "using ", "require", "use ", "const ⟨mod⟩ = require", "namespace", "set -euo", "from ", "package ")


def _fn(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"


def _pascal(snake: str) -> str:
    return "".join(w.capitalize() for w in snake.split("_"))


# slot -> maker(rng, values so far); slots derived from another ("Fn" from "fn") come after it.
_MAKERS = {
    "noun": lambda r, v: r.choice(NOUNS), "NOUN": lambda r, v: v["noun"].upper(),
    "field": lambda r, v: r.choice(FIELDS), "Field": lambda r, v: _pascal(v["field"]), "FIELD": lambda r, v: v["field"].upper(),
    "fn": lambda r, v: _fn(r), "Fn": lambda r, v: _pascal(v["fn"]), "fn2": lambda r, v: f"{r.choice(VERBS)}_{v['noun']}",
    "Cls": lambda r, v: v["noun"].capitalize() + r.choice(("", "Manager", "Client", "Store", "Service", "Handler")),
    "var": lambda r, v: r.choice(NOUNS) + "s", "var2": lambda r, v: r.choice(("limit", "allowed", "max_items", "threshold", "keys")),
    "VAR": lambda r, v: r.choice(("CONFIG", "SETTINGS", "DEFAULTS", "CREDENTIALS", "DATABASES")),
    "tfres": lambda r, v: r.choice(("aws_db_instance", "google_sql_user", "azurerm_key_vault_secret", "github_actions_secret", "datadog_monitor")),
    "n": lambda r, v: str(r.choice((3, 5, 8, 10, 16, 30, 64, 100, 128, 255, 1000))), "mod": lambda r, v: r.choice(MODULES),
}
_NEEDS = {"NOUN": "noun", "Field": "field", "FIELD": "field", "Fn": "fn", "fn2": "noun", "Cls": "noun"}


def _slots(rng: random.Random, names: list[str]) -> dict[str, str]:
    """Values for the named slots only, made in a fixed order (so a seed gives the same code)."""
    values: dict[str, str] = {}
    for name in names:
        for needed in (_NEEDS.get(name), name):
            if needed and needed not in values:
                values[needed] = _MAKERS[needed](rng, values)
    return values


def fill_slots(rng: random.Random, text: str) -> str:
    """Fill the ``⟨slot⟩`` markers of a template with random identifiers."""
    if "⟨" not in text:
        return text
    names = list(dict.fromkeys(_SLOT.findall(text)))  # first-appearance order, no duplicates
    slots = _slots(rng, names)
    return _SLOT.sub(lambda m: slots[m.group(1)], text)


def filler(rng: random.Random, kind: str, head: bool = False, used: set[str] | None = None) -> str:
    """One block of plain code for the kind: a file-opening block with ``head``; '' when there is none.

    Templates already in ``used`` are avoided while others remain (a file rarely repeats itself).
    """
    templates = [t for t in _T.get(kind, ()) if t.startswith(HEAD_PREFIXES) == head]
    if not templates:
        return ""
    fresh = [t for t in templates if used is None or t not in used]
    template = rng.choice(fresh or templates)
    if used is not None:
        used.add(template)
    return fill_slots(rng, template)
