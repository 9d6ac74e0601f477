// bnlab's up-front size limits: output that would be useless at a size is
// refused before the run, naming the flag and the limit.
#include <gtest/gtest.h>

#include <string>

#include "article_report.h"
#include "cli.h"

namespace {

TEST(CliLimits, JsonPastItsChannelLimitIsRefusedBeforeRunning) {
  const bnlab::CliResult r =
      bnlab::run_cli({"--json", "--batch", "1", "--channels", "1048577", "--steps", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "bnlab: --json: channels must be at most 1048576 with --json; got 1048577\n");
  // Without --json the same run prints the article's text (summarised tensors).
  const bnlab::CliResult text =
      bnlab::run_cli({"--batch", "1", "--channels", "1048577", "--steps", "0"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("torch.Size([0, 1048577, 1, 1])"), std::string::npos);
  EXPECT_NE(bnlab::run_cli({"--help"}).out.find("--json: at most 1048576 channels"),
            std::string::npos);
}

TEST(CliLimits, JsonAtItsChannelLimitRuns) {
  const bnlab::CliResult r =
      bnlab::run_cli({"--json", "--batch", "1", "--channels", "1048576", "--steps", "0"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("omitted"), std::string::npos);
  EXPECT_GT(r.out.size(), std::size_t{4} * 1048576);
}

}  // namespace
