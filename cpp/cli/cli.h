// The bnlab command line, shared by the native binary and the WebAssembly
// module's Node CLI so that both print the same bytes.
#pragma once

#include <string>
#include <vector>

namespace bnlab {

struct CliResult {
  std::string out, err;
  int exit_code = 0;
};

// `args` excludes the program name.
CliResult run_cli(const std::vector<std::string>& args);

}  // namespace bnlab
