// Secret masking: environment values from ${VAR}, URL passwords and credential parameters.

#include "mlops/config/mask.h"

#include <gtest/gtest.h>

#include "mlops/core/secret_mask.h"

namespace mlops::testing {
namespace {

class SecretMask : public ::testing::Test {
 protected:
  void SetUp() override { clear_secrets(); }
  void TearDown() override { clear_secrets(); }
};

TEST_F(SecretMask, RegisteredValuesAreMaskedWhereverTheyAppear) {
  register_secret("Bearer-part-s3cr3t");
  register_secret("s3cr3t");
  EXPECT_EQ(mask_secrets("h: Bearer-part-s3cr3t, again s3cr3t."), "h: ****, again ****.");
}

TEST_F(SecretMask, ShortValuesAreNotRegistered) {
  register_secret("42");
  EXPECT_EQ(mask_secrets("threads=42"), "threads=42");
}

TEST_F(SecretMask, UrlPasswordsAndCredentialParametersAreMasked) {
  EXPECT_EQ(mask_secrets("connect postgresql://ml:hunter2@db:5432/x failed"),
            "connect postgresql://ml:****@db:5432/x failed");
  EXPECT_EQ(mask_secrets("GET http://h/p?page=2&API_KEY=abc123&token=zz#f \"x\""),
            "GET http://h/p?page=2&API_KEY=****&token=****#f \"x\"");
  EXPECT_EQ(mask_secrets("http://h/p?monkey=1&key=v"), "http://h/p?monkey=1&key=****");
}

TEST_F(SecretMask, TextWithoutSecretsComesBackUnchanged) {
  const std::string text = "a=1 ?b=2 http://host/path?x=y user@example.com";
  EXPECT_EQ(mask_secrets(text), text);
  EXPECT_EQ(config_detail::mask_text(text), text);
}

}  // namespace
}  // namespace mlops::testing
