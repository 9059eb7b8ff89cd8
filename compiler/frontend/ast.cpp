// Construction, cloning and structural equality of KQL syntax trees.
#include "compiler/frontend/ast.h"

namespace rulec::kql {

std::string Pattern::joined() const {
  std::string out = segments.front();
  for (size_t i = 1; i < segments.size(); ++i) {
    out += wildcards[i - 1];
    out += segments[i];
  }
  return out;
}

NodePtr Node::clone() const {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  n->field = field;
  n->value = value;
  n->op = op;
  n->program = program;
  n->pos = pos;
  n->children.reserve(children.size());
  for (const auto& c : children) n->children.push_back(c->clone());
  return n;
}

bool equal(const Node& a, const Node& b) {
  if (a.kind != b.kind || a.children.size() != b.children.size()) return false;
  switch (a.kind) {
    case NodeKind::Is:
    case NodeKind::Regexp:
      if (!(a.field == b.field) || !(a.value == b.value)) return false;
      break;
    case NodeKind::Range:
      if (!(a.field == b.field) || !(a.value == b.value) || a.op != b.op) return false;
      break;
    case NodeKind::Exists:
    case NodeKind::Nested:
      if (!(a.field == b.field)) return false;
      break;
    case NodeKind::FreeText:
      if (!(a.value == b.value)) return false;
      break;
    case NodeKind::Script:
      if (a.program != b.program) return false;
      break;
    default:
      break;
  }
  for (size_t i = 0; i < a.children.size(); ++i)
    if (!equal(*a.children[i], *b.children[i])) return false;
  return true;
}

static NodePtr make(NodeKind k) {
  auto n = std::make_unique<Node>();
  n->kind = k;
  return n;
}

NodePtr make_match_all() { return make(NodeKind::MatchAll); }

NodePtr make_is(Pattern field, Value value) {
  auto n = make(NodeKind::Is);
  n->field = std::move(field);
  n->value = std::move(value);
  return n;
}

NodePtr make_range(Pattern field, RangeOp op, Value value) {
  auto n = make(NodeKind::Range);
  n->field = std::move(field);
  n->op = op;
  n->value = std::move(value);
  return n;
}

NodePtr make_exists(Pattern field) {
  auto n = make(NodeKind::Exists);
  n->field = std::move(field);
  return n;
}

NodePtr make_regexp(Pattern field, std::string regex, bool case_insensitive) {
  auto n = make(NodeKind::Regexp);
  n->field = std::move(field);
  n->value.pattern = literal(std::move(regex), true);
  n->value.pattern.case_insensitive = case_insensitive;
  return n;
}

NodePtr make_script(std::string eql_text, std::string program) {
  auto n = make(NodeKind::Script);
  n->value.pattern = literal(std::move(eql_text), true);
  n->program = std::move(program);
  return n;
}

NodePtr make_nested(Pattern field, NodePtr child) {
  auto n = make(NodeKind::Nested);
  n->field = std::move(field);
  n->children.push_back(std::move(child));
  return n;
}

NodePtr make_free_text(Value value) {
  auto n = make(NodeKind::FreeText);
  n->value = std::move(value);
  return n;
}

NodePtr make_not(NodePtr child) {
  auto n = make(NodeKind::Not);
  n->children.push_back(std::move(child));
  return n;
}

static NodePtr make_chain(NodeKind k, std::vector<NodePtr> children) {
  if (children.size() == 1) return std::move(children.front());
  auto n = make(k);
  for (auto& c : children) {
    if (c->kind == k) {
      for (auto& g : c->children) n->children.push_back(std::move(g));
    } else {
      n->children.push_back(std::move(c));
    }
  }
  if (!n->children.empty()) n->pos = n->children.front()->pos;
  return n;
}

NodePtr make_and(std::vector<NodePtr> children) { return make_chain(NodeKind::And, std::move(children)); }
NodePtr make_or(std::vector<NodePtr> children) { return make_chain(NodeKind::Or, std::move(children)); }

Pattern literal(std::string text, bool quoted) {
  Pattern p;
  p.segments = {std::move(text)};
  p.quoted = quoted;
  return p;
}

void for_each_field(const Node& root,
                    const std::function<bool(const Node& n, const std::string& field, bool wild)>& visit) {
  struct Item {
    const Node* node;
    std::string prefix;  // nested paths joined with '.', each followed by '.'
    bool wild;
  };
  std::vector<Item> stack{{&root, std::string(), false}};
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    const Node& n = *item.node;
    switch (n.kind) {
      case NodeKind::Is:
      case NodeKind::Range:
      case NodeKind::Exists:
      case NodeKind::Regexp:
        visit(n, item.prefix + n.field.joined(), item.wild || n.field.has_wildcard());
        break;
      case NodeKind::Nested: {
        const std::string path = item.prefix + n.field.joined();
        const bool wild = item.wild || n.field.has_wildcard();
        const bool below = !visit(n, path, wild) || wild;
        if (!n.children.empty() && n.children[0]) stack.push_back({n.children[0].get(), path + ".", below});
        break;
      }
      case NodeKind::And:
      case NodeKind::Or:
      case NodeKind::Not:
        // Reverse order so the visits come in source order.
        for (auto it = n.children.rbegin(); it != n.children.rend(); ++it)
          if (*it) stack.push_back({it->get(), item.prefix, item.wild});
        break;
      default:  // MatchAll, FreeText (no field)
        break;
    }
  }
}

const char* to_string(NodeKind k) {
  switch (k) {
    case NodeKind::MatchAll: return "match_all";
    case NodeKind::Is: return "is";
    case NodeKind::Range: return "range";
    case NodeKind::Exists: return "exists";
    case NodeKind::Nested: return "nested";
    case NodeKind::FreeText: return "free_text";
    case NodeKind::And: return "and";
    case NodeKind::Or: return "or";
    case NodeKind::Not: return "not";
    case NodeKind::Regexp: return "regexp";
    case NodeKind::Script: return "script";
  }
  return "?";
}

std::string value_text(const Value& v) {
  switch (v.type) {
    case LiteralType::True: return "true";
    case LiteralType::False: return "false";
    case LiteralType::Null: return "null";
    case LiteralType::String: break;
  }
  return v.pattern.joined();
}

const char* to_string(RangeOp op) {
  switch (op) {
    case RangeOp::Lt: return "<";
    case RangeOp::Le: return "<=";
    case RangeOp::Gt: return ">";
    case RangeOp::Ge: return ">=";
  }
  return "?";
}

}  // namespace rulec::kql
