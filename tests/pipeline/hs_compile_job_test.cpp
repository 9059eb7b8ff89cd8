// Tests of the Hyperscan compile job's byte forms and of the rulec-hs-compile helper program run by hand.
#include "compiler/matchers/hs_compile_job.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "common/cli_util.h"
#include "common/test_util.h"

namespace rulec::testing {
namespace {
namespace hs_compile_job_test {

using matchers::CompileJob;
using matchers::CompileOutcome;
using matchers::CompileResult;

CompileJob sample_job() {
  CompileJob job;
  job.expressions = {"abc.*def", "", std::string("a\0b", 3)};
  job.flags = {HS_FLAG_DOTALL, HS_FLAG_CASELESS | HS_FLAG_ALLOWEMPTY, 0};
  job.has_platform = true;
  job.platform.tune = HS_TUNE_FAMILY_GENERIC;
  job.platform.cpu_features = HS_CPU_FEATURES_AVX2;
  job.max_memory_mb = 512;
  return job;
}

TEST(HsCompileJob, JobsAndRepliesSurviveTheirByteForms) {
  const CompileJob job = sample_job();
  CompileJob back;
  ASSERT_TRUE(matchers::decode_job(matchers::encode_job(job), back));
  EXPECT_EQ(back.expressions, job.expressions);
  EXPECT_EQ(back.flags, job.flags);
  EXPECT_TRUE(back.has_platform);
  EXPECT_EQ(back.platform.cpu_features, job.platform.cpu_features);
  EXPECT_EQ(back.max_memory_mb, 512u);

  CompileResult r;
  r.outcome = CompileOutcome::Refused;
  r.bad = 7;
  r.message = "bad pattern";
  r.database = std::string("\0db", 3);
  CompileResult rb;
  ASSERT_TRUE(matchers::decode_reply(matchers::encode_reply(r), rb));
  EXPECT_EQ(rb.outcome, CompileOutcome::Refused);
  EXPECT_EQ(rb.bad, 7);
  EXPECT_EQ(rb.message, "bad pattern");
  EXPECT_EQ(rb.database, r.database);
}

TEST(HsCompileJob, TruncatedOrPaddedBytesAreRefused) {
  const std::string job = matchers::encode_job(sample_job());
  CompileJob j;
  for (size_t n = 0; n < job.size(); ++n) EXPECT_FALSE(matchers::decode_job(job.substr(0, n), j)) << n;
  EXPECT_FALSE(matchers::decode_job(job + "x", j));
  CompileResult r;
  r.message = "m";
  r.database = "db";
  const std::string reply = matchers::encode_reply(r);
  CompileResult rb;
  for (size_t n = 0; n < reply.size(); ++n) EXPECT_FALSE(matchers::decode_reply(reply.substr(0, n), rb)) << n;
  EXPECT_FALSE(matchers::decode_reply(reply + "x", rb));
  std::string bad_outcome = reply;
  bad_outcome[0] = 9;
  EXPECT_FALSE(matchers::decode_reply(bad_outcome, rb));
}

TEST(HsCompileJob, CompilesInThisProcess) {
  CompileJob job;
  job.expressions = {"abc.*def", "(x"};
  job.flags = {HS_FLAG_DOTALL, 0};
  CompileResult r = matchers::compile_job(job);
  EXPECT_EQ(r.outcome, CompileOutcome::Refused);
  EXPECT_EQ(r.bad, 1);
  job.expressions.pop_back();
  job.flags.pop_back();
  r = matchers::compile_job(job);
  EXPECT_EQ(r.outcome, CompileOutcome::Ok) << r.message;
  EXPECT_FALSE(r.database.empty());
}

TEST(HsCompileHelper, AnswersAJobAndRefusesAnythingElse) {
  TempDir t;
  const std::string helper = bin("rulec-hs-compile");
  const std::string job_file = (t.path() / "job").string(), reply_file = (t.path() / "reply").string();
  std::ofstream(job_file, std::ios::binary) << matchers::encode_job(sample_job());
  ASSERT_EQ(run_shell(helper + " < " + quote(job_file) + " > " + quote(reply_file)).status, 0);
  CompileResult r;
  ASSERT_TRUE(matchers::decode_reply(read_file(reply_file), r));
  EXPECT_EQ(r.outcome, CompileOutcome::Ok) << r.message;
  EXPECT_FALSE(r.database.empty());

  std::ofstream(job_file, std::ios::binary) << "not a job";
  CmdResult bad = run_shell(helper + " < " + quote(job_file) + " 2>&1");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.out.find("the compile job is not readable"), std::string::npos) << bad.out;
  CmdResult usage = run_shell(helper + " --help 2>&1");
  EXPECT_EQ(usage.status, 2);
  EXPECT_NE(usage.out.find("run by rulec, not by hand"), std::string::npos) << usage.out;
}

}  // namespace hs_compile_job_test
}  // namespace
}  // namespace rulec::testing
