// Turns the C++ blocks of README.md into one program, so the snippets are compiled and run by ctest and cannot
// rot. Every ```cpp block becomes a function; an HTML comment `<!-- cpp-snippet` ... `-->` right above a block
// holds the declarations the block takes for granted (invisible on the rendered page) and goes first in that
// function. `#include` lines of a block or its declarations move to the top of the file; `#line` directives make
// compiler errors point at README.md. main() runs every snippet and fails if one throws.
//   extract_snippets <README.md> <output.cpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Lines {
  std::size_t first = 0;  // 1-based line number in the README of the first line
  std::vector<std::string> text;
};
struct Snippet {
  Lines declarations, body;
};

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool is_cpp_fence(const std::string& line) {
  const std::string t = trimmed(line);
  return t == "```cpp" || t == "```c++" || t == "```cxx" || t == "```C++";
}

[[noreturn]] void fail(const std::string& readme, std::size_t line, const std::string& message) {
  std::fprintf(stderr, "%s:%zu: %s\n", readme.c_str(), line, message.c_str());
  std::exit(1);
}

std::vector<Snippet> parse(const std::string& readme, const std::vector<std::string>& lines) {
  std::vector<Snippet> snippets;
  Lines pending;  // declarations waiting for their block
  bool have_pending = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string t = trimmed(lines[i]);
    if (starts_with(t, "<!-- cpp-snippet")) {
      if (have_pending) fail(readme, pending.first - 1, "cpp-snippet comment not followed by a ```cpp block");
      pending = {i + 2, {}};
      for (++i; i < lines.size() && trimmed(lines[i]) != "-->"; ++i) pending.text.push_back(lines[i]);
      if (i == lines.size()) fail(readme, pending.first - 1, "cpp-snippet comment is not closed by a line '-->'");
      have_pending = true;
      if (i + 1 >= lines.size() || !is_cpp_fence(lines[i + 1]))
        fail(readme, pending.first - 1, "cpp-snippet comment must be directly above a ```cpp block");
    } else if (is_cpp_fence(lines[i])) {
      Snippet s;
      s.body.first = i + 2;
      for (++i; i < lines.size() && trimmed(lines[i]) != "```"; ++i) s.body.text.push_back(lines[i]);
      if (i == lines.size()) fail(readme, s.body.first - 1, "```cpp block is not closed");
      if (have_pending) s.declarations = pending;
      have_pending = false;
      snippets.push_back(s);
    } else if (starts_with(t, "```")) {  // another language's block: skip it whole (it may contain anything)
      const std::size_t open = i + 1;
      for (++i; i < lines.size() && trimmed(lines[i]) != "```"; ++i) {
      }
      if (i == lines.size()) fail(readme, open, "code block is not closed");
    }
  }
  return snippets;
}

void emit_lines(std::ostream& out, const Lines& lines, const std::string& readme) {
  if (lines.text.empty()) return;
  out << "#line " << lines.first << " \"" << readme << "\"\n";
  for (const auto& line : lines.text) out << (starts_with(trimmed(line), "#include") ? "" : line) << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <README.md> <output.cpp>\n", argv[0]);
    return 2;
  }
  const std::string readme = argv[1];
  std::ifstream in(readme);
  if (!in) fail(readme, 0, "cannot read");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const std::vector<Snippet> snippets = parse(readme, lines);
  if (snippets.empty()) fail(readme, 0, "no ```cpp block found");

  std::ostringstream out;
  out << "// Generated from " << readme << " by tests/readme/extract_snippets.cpp; edit the README, not this.\n";
  std::vector<std::string> includes = {"#include <cstdio>", "#include <exception>"};
  for (const auto& s : snippets)
    for (const Lines* part : {&s.declarations, &s.body})
      for (const auto& line : part->text)
        if (starts_with(trimmed(line), "#include") &&
            std::find(includes.begin(), includes.end(), trimmed(line)) == includes.end())
          includes.push_back(trimmed(line));
  for (const auto& inc : includes) out << inc << '\n';
  for (std::size_t k = 0; k < snippets.size(); ++k) {
    out << "\nstatic void readme_snippet_" << k + 1 << "() {\n";
    emit_lines(out, snippets[k].declarations, readme);
    emit_lines(out, snippets[k].body, readme);
    out << "}\n";
  }
  out << "\nint main() {\n  int failed = 0;\n";
  for (std::size_t k = 0; k < snippets.size(); ++k) {
    const std::size_t line = snippets[k].body.first - 1;
    out << "  try {\n    readme_snippet_" << k + 1 << "();\n    std::printf(\"README.md:" << line
        << ": C++ snippet ran\\n\");\n  } catch (const std::exception& e) {\n    std::printf(\"README.md:" << line
        << ": C++ snippet threw: %s\\n\", e.what());\n    ++failed;\n  }\n";
  }
  out << "  std::printf(\"" << snippets.size() << " README C++ snippets, %d failed\\n\", failed);\n"
      << "  return failed == 0 ? 0 : 1;\n}\n";

  // Written only when changed, so an unrelated README edit does not recompile the snippets.
  const std::string text = out.str();
  std::ifstream old(argv[2]);
  std::stringstream previous;
  previous << old.rdbuf();
  if (old && previous.str() == text) return 0;
  std::ofstream file(argv[2]);
  file << text;
  return file ? 0 : 1;
}
