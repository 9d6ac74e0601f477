// A range of seeds, FROM:COUNT (bnlab --seeds): its grammar, the seeds in it,
// and the limits on the work and output of running a config once per seed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "experiment_config.h"

namespace bnlab {

// At most this many seeds in one range; and at most kMaxTotalValues values
// drawn over all of them (the work of one run), kMaxJsonChannels channels
// printed over all of them (the JSON of one run).
inline constexpr std::int64_t kMaxSeedCount = 100000;

struct SeedRange {
  Seed from;
  std::int64_t count = 0;
  // The i-th seed, from + i, for i in [0, count): PyTorch's seeds are the
  // integers in [-2^63, 2^64 - 1], so a range may cross from -1 to 0.
  Seed at(std::int64_t i) const;
};

// "FROM:COUNT, FROM an integer in [-9223372036854775808, 18446744073709551615]
// and COUNT an integer in [1, 100000]": what every message about it says.
std::string describe_seed_range();

struct SeedRangeParse {
  std::optional<SeedRange> range;
  std::string error;  // one line naming the range, when range is empty
};

// FROM:COUNT, each part in the config grammar's integer tokens; the last seed
// FROM + COUNT - 1 must still be a seed (at most 2^64 - 1).
SeedRangeParse parse_seed_range(std::string_view text);

// "" when `count` runs of `config`, each followed by `precise_batches` more
// batches, stay within the limits above; else the sentence of the limit broken.
std::string check_seed_work(const ExperimentConfig& config, std::int64_t count,
                            std::int64_t precise_batches);

}  // namespace bnlab
