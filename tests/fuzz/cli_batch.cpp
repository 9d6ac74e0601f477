// Runs many bnlab argument lists in one process for the hostile campaign
// (scripts/hostile-campaign.mjs): stdin holds records "<count>\n" then count
// times "<length>\n<bytes>"; stdout gets "<exit> <out length> <err length>\n"
// then both texts, per list. The same run_cli as the bnlab binary.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

int main() {
  std::ios::sync_with_stdio(false);
  std::size_t count = 0;
  while (std::cin >> count) {
    std::cin.get();
    std::vector<std::string> args(count);
    for (auto& arg : args) {
      std::size_t length = 0;
      std::cin >> length;
      std::cin.get();
      arg.resize(length);
      std::cin.read(arg.data(), static_cast<std::streamsize>(length));
    }
    const bnlab::CliResult r = bnlab::run_cli(args);
    std::cout << r.exit_code << ' ' << r.out.size() << ' ' << r.err.size() << '\n'
              << r.out << r.err;
    std::cout.flush();
  }
  return 0;
}
