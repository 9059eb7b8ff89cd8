// Compiled with the runtime's include path only: a compiler header must not resolve.
#include "runtime/eval/evaluator.h"
#include "compiler/frontend/ast.h"
