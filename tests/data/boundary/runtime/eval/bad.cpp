// A runtime file that reaches into the compiler: the boundary check must refuse it.
#include "runtime/eval/evaluator.h"
#include "compiler/frontend/ast.h"
