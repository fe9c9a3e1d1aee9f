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

// libpq's keyword/value connection string, given as store.url by mistake: `config show` and
// the error that refuses it print the password masked.
TEST_F(SecretMask, ConninfoPasswordsAreMasked) {
  EXPECT_EQ(mask_secrets("host=db port=5432 user=ml password=hunter2 dbname=x"),
            "host=db port=5432 user=ml password=**** dbname=x");
  EXPECT_EQ(mask_secrets("password=hunter2"), "password=****");
  EXPECT_EQ(mask_secrets("url: \"host=db PASSWORD='two words' sslmode=require\""),
            "url: \"host=db PASSWORD='****' sslmode=require\"");
  EXPECT_EQ(mask_secrets("host=db passwd=hunter2"), "host=db passwd=****");
  // Only a whole word: these are not conninfo passwords.
  EXPECT_EQ(mask_secrets("db_password=x mypassword=y"), "db_password=x mypassword=y");
}

// Masking twice changes nothing: a message quoting an already masked store name keeps the
// text after the mask.
TEST_F(SecretMask, MaskingIsIdempotent) {
  const std::string once = mask_secrets("postgresql://ml@db:5432/x?password=hunter2");
  EXPECT_EQ(once, "postgresql://ml@db:5432/x?password=****");
  EXPECT_EQ(mask_secrets(once + ": cannot connect to the tracking store: refused"),
            "postgresql://ml@db:5432/x?password=****: cannot connect to the tracking store: "
            "refused");
  for (const std::string text :
       {"http://u:pw@h/p?token=abc&x=1 and more", "host=db password=hunter2 dbname=x"}) {
    EXPECT_EQ(mask_secrets(mask_secrets(text)), mask_secrets(text)) << text;
  }
}

TEST_F(SecretMask, TextWithoutSecretsComesBackUnchanged) {
  const std::string text = "a=1 ?b=2 http://host/path?x=y user@example.com";
  EXPECT_EQ(mask_secrets(text), text);
  EXPECT_EQ(config_detail::mask_text(text), text);
}

}  // namespace
}  // namespace mlops::testing
