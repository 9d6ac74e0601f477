// bnlab --seeds FROM:COUNT: parsing the range, stepping through it across
// zero, and bounding the work and the output of all its runs together.
#include "seed_range.h"

#include <limits>

#include "article_report.h"
#include "checked_size.h"
#include "config_text.h"

namespace bnlab {

Seed SeedRange::at(std::int64_t i) const {
  const auto step = static_cast<std::uint64_t>(i);
  Seed seed;
  // Two's complement: the bits of from + i are from.bits + i modulo 2^64 on
  // both sides of zero; the seed stays negative while i is below |from|.
  seed.bits = from.bits + step;
  seed.negative = from.negative && step < 0 - from.bits;
  return seed;
}

std::string describe_seed_range() {
  return "FROM:COUNT, FROM an integer in [-9223372036854775808, 18446744073709551615] and COUNT "
         "an integer in [1, " +
         std::to_string(kMaxSeedCount) + "]";
}

SeedRangeParse parse_seed_range(std::string_view text) {
  SeedRangeParse result;
  const auto bad = [&]() {
    result.error = "seeds must be " + describe_seed_range() + "; got " + quote_text(text);
    return result;
  };
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return bad();
  const auto from = Seed::parse(text.substr(0, colon));
  const auto count = parse_int64(text.substr(colon + 1));
  if (!from || !count || *count < 1 || *count > kMaxSeedCount) return bad();
  const std::uint64_t largest = std::numeric_limits<std::uint64_t>::max();
  if (!from->negative && static_cast<std::uint64_t>(*count - 1) > largest - from->bits) {
    result.error = "the last seed, FROM + COUNT - 1, must be at most " + std::to_string(largest) +
                   "; got " + from->to_string() + " + " + std::to_string(*count) + " - 1";
    return result;
  }
  result.range = SeedRange{*from, *count};
  return result;
}

std::string check_seed_work(const ExperimentConfig& config, std::int64_t count,
                            std::int64_t precise_batches) {
  const auto batches = checked_add(config.steps, precise_batches);
  const auto values =
      batches ? checked_product({count, *batches, config.elements_per_batch()}) : std::nullopt;
  if (!values || *values > kMaxTotalValues) {
    return "count * (steps + precise-bn) * values per batch must be at most " +
           std::to_string(kMaxTotalValues) + " (the work of one run); got " +
           std::to_string(count) + " * " + std::to_string(config.steps + precise_batches) + " * " +
           std::to_string(config.elements_per_batch());
  }
  if (!product_within({count, config.channels}, kMaxJsonChannels)) {
    return "count * channels must be at most " + std::to_string(kMaxJsonChannels) +
           " (the JSON of one run); got " + std::to_string(count) + " * " +
           std::to_string(config.channels);
  }
  return "";
}

}  // namespace bnlab
