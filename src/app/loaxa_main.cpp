#include "cli/cli_context.h"

int main(int argc, char** argv) {
  return loaxa::run_loaxa(argc, argv);
}
