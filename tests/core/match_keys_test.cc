#include "core/duplicates/match_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "base/utf8.h"
#include "core/duplicates/nicknames.h"

namespace crm::core::duplicates {

// For GoogleTest's messages (found by argument-dependent lookup).
void PrintTo(const MatchKey& key, std::ostream* out) {
  *out << "{" << static_cast<int>(key.kind) << ", \"" << key.key << "\"}";
}

namespace {

using KeyVector = std::vector<MatchKey>;

// --- emails ------------------------------------------------------------------

TEST(EmailKey, TrimsAndLowerCases) {
  EXPECT_EQ(EmailKey("  Jane.Doe@Example.COM \t"), "jane.doe@example.com");
  EXPECT_EQ(EmailKey("ÅSE@Firma.NO"), "åse@firma.no");
  EXPECT_EQ(EmailKey("jane@example.com."), "jane@example.com");
}

TEST(EmailKey, GmailDropsDotsAndTagsAndGooglemailIsGmail) {
  const std::optional<std::string> plain = EmailKey("janedoe@gmail.com");
  ASSERT_EQ(plain, "janedoe@gmail.com");
  EXPECT_EQ(EmailKey("Jane.Doe@gmail.com"), plain);
  EXPECT_EQ(EmailKey("j.a.n.e.d.o.e+newsletter@gmail.com"), plain);
  EXPECT_EQ(EmailKey("jane.doe+a+b@GoogleMail.com"), plain);
}

TEST(EmailKey, SubAddressProvidersDropTheTagButKeepDots) {
  EXPECT_EQ(EmailKey("jane.doe+shop@outlook.com"), "jane.doe@outlook.com");
  EXPECT_EQ(EmailKey("jane+x@hotmail.com"), "jane@hotmail.com");
  EXPECT_EQ(EmailKey("jane+x@icloud.com"), "jane@icloud.com");
  EXPECT_EQ(EmailKey("jane+x@proton.me"), "jane@proton.me");
  EXPECT_EQ(EmailKey("jane+x@fastmail.com"), "jane@fastmail.com");
}

TEST(EmailKey, OtherDomainsKeepTagsAndDots) {
  EXPECT_EQ(EmailKey("sales+eu@acme.com"), "sales+eu@acme.com");
  EXPECT_EQ(EmailKey("jane.doe@acme.com"), "jane.doe@acme.com");
  // A domain that merely ends like a provider's is another domain.
  EXPECT_EQ(EmailKey("jane.doe+x@notgmail.com"), "jane.doe+x@notgmail.com");
}

TEST(EmailKey, NoKeyWithoutExactlyOneAtOrWithAnEmptySide) {
  EXPECT_EQ(EmailKey(""), std::nullopt);
  EXPECT_EQ(EmailKey("   "), std::nullopt);
  EXPECT_EQ(EmailKey("jane.example.com"), std::nullopt);
  EXPECT_EQ(EmailKey("jane@doe@example.com"), std::nullopt);
  EXPECT_EQ(EmailKey("@example.com"), std::nullopt);
  EXPECT_EQ(EmailKey("jane@"), std::nullopt);
  EXPECT_EQ(EmailKey("jane@."), std::nullopt);
  EXPECT_EQ(EmailKey("...@gmail.com"), std::nullopt);
  EXPECT_EQ(EmailKey("jane\xff@example.com"), std::nullopt);
}

TEST(EmailLocalKey, IsTheSameAtAnyDomain) {
  const std::optional<std::string> local = EmailLocalKey("jane.doe@acme.com");
  ASSERT_EQ(local, "janedoe");
  EXPECT_EQ(EmailLocalKey("Jane_Doe+work@gmail.com"), local);
  EXPECT_EQ(EmailLocalKey("jane-doe@hotmail.com"), local);
  EXPECT_NE(EmailLocalKey("jane.doe2@acme.com"), local);
}

TEST(EmailLocalKey, NoKeyForRoleMailboxesOrShortLocalParts) {
  EXPECT_EQ(EmailLocalKey("info@acme.com"), std::nullopt);
  EXPECT_EQ(EmailLocalKey("Post@firma.no"), std::nullopt);
  EXPECT_EQ(EmailLocalKey("no-reply@acme.com"), std::nullopt);
  EXPECT_EQ(EmailLocalKey("jd@acme.com"), std::nullopt);
  EXPECT_EQ(EmailLocalKey("not an email"), std::nullopt);
  EXPECT_EQ(EmailLocalKey("jdoe@acme.com"), "jdoe");
}

// --- phones ------------------------------------------------------------------

TEST(PhoneKey, NorwegianNumberWrittenAnyWayIsOneE164Key) {
  EXPECT_EQ(PhoneKey("+47 900 00 000", "NO"), "+4790000000");
  EXPECT_EQ(PhoneKey("90000000", "NO"), "+4790000000");
  EXPECT_EQ(PhoneKey("0047 90000000", "NO"), "+4790000000");
  EXPECT_EQ(PhoneKey("900 00 000", "NO"), "+4790000000");
  EXPECT_EQ(PhoneKey(" (+47) 900-00-000 ", "NO"), "+4790000000");
}

TEST(PhoneKey, TheRegionOnlyAppliesToNumbersWithoutACountryCode) {
  EXPECT_EQ(PhoneKey("+47 900 00 000", "SE"), "+4790000000");
  EXPECT_EQ(PhoneKey("08-123 456 78", "SE"), "+46812345678");
  EXPECT_EQ(PhoneKey("(650) 253-0000", "US"), "+16502530000");
  // "00" is no international prefix in the US, but it is taken as one.
  EXPECT_EQ(PhoneKey("0047 900 00 000", "US"), "+4790000000");
}

TEST(PhoneKey, WithoutARegionOnlyPlusAndDoubleZeroNumbersParse) {
  EXPECT_EQ(PhoneKey("+47 900 00 000", ""), "+4790000000");
  EXPECT_EQ(PhoneKey("0047 900 00 000", ""), "+4790000000");
  EXPECT_EQ(PhoneKey("90000000", ""), "?90000000");
}

TEST(PhoneKey, AnUnknownRegionCountsAsNone) {
  EXPECT_EQ(PhoneKey("90000000", "XX"), "?90000000");
  EXPECT_EQ(PhoneKey("90000000", "no"), "?90000000");
  EXPECT_EQ(PhoneKey("90000000", "Norway"), "?90000000");
  EXPECT_EQ(PhoneKey("+47 90000000", "001"), "+4790000000");
}

TEST(PhoneKey, ExtensionsAndLettersAreReadByLibphonenumber) {
  EXPECT_EQ(PhoneKey("+1 650 253 0000 ext. 12", "US"), "+16502530000");
  EXPECT_EQ(PhoneKey("tel: +47 900 00 000", ""), "+4790000000");
}

TEST(PhoneKey, UnparsedNumbersKeyTheirDigitsOnlyWhenThereAreSix) {
  // Too long for any Norwegian number: not possible.
  EXPECT_EQ(PhoneKey("900 00 000 000 000 000", "NO"), "?90000000000000000");
  EXPECT_EQ(PhoneKey("12-34-56", ""), "?123456");
  EXPECT_EQ(PhoneKey("12345", ""), std::nullopt);
  EXPECT_EQ(PhoneKey("call me", "NO"), std::nullopt);
  EXPECT_EQ(PhoneKey("", "NO"), std::nullopt);
  EXPECT_EQ(PhoneKey("   ", "NO"), std::nullopt);
  EXPECT_EQ(PhoneKey("+", "NO"), std::nullopt);
  EXPECT_EQ(PhoneKey("9000\xff"
                     "0000",
                     "NO"),
            "?90000000");
}

TEST(IsRegionCode, KnowsLibphonenumbersRegionsInUpperCase) {
  EXPECT_TRUE(IsRegionCode("NO"));
  EXPECT_TRUE(IsRegionCode("SE"));
  EXPECT_TRUE(IsRegionCode("US"));
  EXPECT_TRUE(IsRegionCode("GB"));
  EXPECT_FALSE(IsRegionCode("no"));
  EXPECT_FALSE(IsRegionCode("XX"));
  EXPECT_FALSE(IsRegionCode("ZZ"));
  EXPECT_FALSE(IsRegionCode("001"));
  EXPECT_FALSE(IsRegionCode("NOR"));
  EXPECT_FALSE(IsRegionCode(""));
  EXPECT_FALSE(IsRegionCode(absl::string_view("N\0", 2)));
}

// --- folding -----------------------------------------------------------------

TEST(FoldText, LowerCasesAndRemovesAccents) {
  EXPECT_EQ(FoldText("Müller"), "muller");
  EXPECT_EQ(FoldText("José Ångström"), "jose angstrom");
  EXPECT_EQ(FoldText("ÉLODIE Çelik"), "elodie celik");
  EXPECT_EQ(FoldText("İstanbul"), "istanbul");
  // Decomposed input (e + combining acute) folds like the composed form.
  EXPECT_EQ(FoldText("Jose\xcc\x81"), "jose");
}

TEST(FoldText, SpellsLettersThatDoNotDecompose) {
  EXPECT_EQ(FoldText("Ørjan Æbelø"), "orjan aebelo");
  EXPECT_EQ(FoldText("Łukasz Wałęsa"), "lukasz walesa");
  EXPECT_EQ(FoldText("Straße"), "strasse");
  EXPECT_EQ(FoldText("STRAẞE"), "strasse");
  EXPECT_EQ(FoldText("Œuvre"), "oeuvre");
  EXPECT_EQ(FoldText("Đorđe"), "dorde");
  EXPECT_EQ(FoldText("Þórður"), "thordur");
}

TEST(FoldText, PunctuationAndSymbolsSeparateWords) {
  EXPECT_EQ(FoldText("  Doe,   Jane  "), "doe jane");
  EXPECT_EQ(FoldText("Smith-Jones/O'Brien"), "smith jones o brien");
  EXPECT_EQ(FoldText("Hansen & Sønn"), "hansen and sonn");
  EXPECT_EQ(FoldText("R&D"), "r and d");
  EXPECT_EQ(FoldText("A/S"), "a s");
  EXPECT_EQ(FoldText("Jane 🙂 Doe"), "jane doe");
  EXPECT_EQ(FoldText("Jane\tDoe\n"), "jane doe");
}

TEST(FoldText, CompatibilityFormsAndOtherScripts) {
  EXPECT_EQ(FoldText("ﬁne"), "fine");
  EXPECT_EQ(FoldText("ＡＢＣ"), "abc");
  EXPECT_EQ(FoldText("Mül\xc2\xadler"), "muller");  // soft hyphen
  EXPECT_EQ(FoldText("東京 Tower"), "東京 tower");
  EXPECT_EQ(FoldText("ΣΟΦΙΑ"), "σοφια");
  EXPECT_EQ(FoldText("한국"), "한국");
}

TEST(FoldText, NothingToKeepGivesEmptyText) {
  EXPECT_EQ(FoldText(""), "");
  EXPECT_EQ(FoldText("   "), "");
  EXPECT_EQ(FoldText("🙂🎉"), "");
  EXPECT_EQ(FoldText("-- ,. --"), "");
  EXPECT_EQ(FoldText("\xff\xfe"), "");
  EXPECT_EQ(FoldText("ab\xff"
                     "cd"),
            "ab cd");
}

// --- person names
// -------------------------------------------------------------

TEST(PersonNameKey, TokensAreSortedSoOrderDoesNotMatter) {
  EXPECT_EQ(PersonNameKey("Jane Doe"), "doe jane");
  EXPECT_EQ(PersonNameKey("Doe, Jane"), "doe jane");
  EXPECT_EQ(PersonNameKey("DOE jane"), "doe jane");
  EXPECT_EQ(PersonNameKey("Ørjan Æbelø"), PersonNameKey("Aebelo, Orjan"));
}

TEST(PersonNameKey, NicknamesBecomeTheCanonicalGivenName) {
  EXPECT_EQ(PersonNameKey("Bob Smith"), "robert smith");
  EXPECT_EQ(PersonNameKey("Robbie Smith"), "robert smith");
  EXPECT_EQ(PersonNameKey("Bill Gates"), PersonNameKey("William Gates"));
  EXPECT_EQ(PersonNameKey("Will Gates"), PersonNameKey("William Gates"));
  EXPECT_EQ(PersonNameKey("Liz Taylor"), PersonNameKey("Elizabeth Taylor"));
  EXPECT_EQ(PersonNameKey("Betsy Taylor"), PersonNameKey("Elizabeth Taylor"));
  EXPECT_EQ(PersonNameKey("Kate Hansen"), PersonNameKey("Katherine Hansen"));
  EXPECT_EQ(PersonNameKey("Cathy Hansen"), PersonNameKey("Catherine Hansen"));
  EXPECT_EQ(PersonNameKey("Jimmy Doe"), "doe james");
  EXPECT_EQ(PersonNameKey("Mike Doe"), "doe michael");
  EXPECT_EQ(PersonNameKey("Tom Doe"), "doe thomas");
  EXPECT_EQ(PersonNameKey("Dick Doe"), "doe richard");
  EXPECT_EQ(PersonNameKey("Kalle Anka"), "anka karl");
  EXPECT_EQ(PersonNameKey("Lasse Berg"), "berg lars");
  // Names that are not nicknames stay, also Nordic given names.
  EXPECT_EQ(PersonNameKey("Ola Nordmann"), "nordmann ola");
  EXPECT_EQ(PersonNameKey("Anna Hansen"), "anna hansen");
}

TEST(Nicknames, TableIsFoldedAndEachNameHasOneCanonicalForm) {
  std::vector<std::string> seen;
  for (const NicknameGroup& group : NicknameGroups()) {
    EXPECT_EQ(FoldText(group.canonical), group.canonical);
    EXPECT_EQ(CanonicalGivenName(group.canonical), group.canonical)
        << group.canonical << " is also a variant";
    seen.push_back(group.canonical);
    for (absl::string_view variant :
         absl::StrSplit(group.variants, ' ', absl::SkipEmpty())) {
      EXPECT_EQ(FoldText(variant), variant);
      EXPECT_EQ(CanonicalGivenName(variant), group.canonical) << variant;
      seen.emplace_back(variant);
    }
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
  EXPECT_GE(seen.size(), 200u);
}

// --- company names
// ------------------------------------------------------------

TEST(CompanyNameKey, LegalFormsAreRemovedInAnySpelling) {
  const std::string acme = CompanyNameKey("Acme");
  ASSERT_EQ(acme, "acme");
  EXPECT_EQ(CompanyNameKey("ACME AS"), acme);
  EXPECT_EQ(CompanyNameKey("Acme A/S"), acme);
  EXPECT_EQ(CompanyNameKey("Acme ASA"), acme);
  EXPECT_EQ(CompanyNameKey("Acme GmbH"), acme);
  EXPECT_EQ(CompanyNameKey("Acme Ltd."), acme);
  EXPECT_EQ(CompanyNameKey("Acme, Inc."), acme);
  EXPECT_EQ(CompanyNameKey("Acme Pty Ltd"), acme);
  EXPECT_EQ(CompanyNameKey("Acme Co., Ltd."), acme);
  EXPECT_EQ(CompanyNameKey("Acme S.A.R.L."), acme);
  EXPECT_EQ(CompanyNameKey("Acme S.A.S."), acme);
  EXPECT_EQ(CompanyNameKey("Acme B.V."), acme);
  EXPECT_EQ(CompanyNameKey("Acme L.L.C."), acme);
  EXPECT_EQ(CompanyNameKey("Acme Oyj"), acme);
  EXPECT_EQ(CompanyNameKey("Acme & Co. KG"), acme);
  EXPECT_EQ(CompanyNameKey("AB Acme"), acme);
  EXPECT_EQ(CompanyNameKey("A/S Acme"), acme);
}

TEST(CompanyNameKey, KeepsTheRestOfTheNameInOrder) {
  EXPECT_EQ(CompanyNameKey("Nordic Fish Holding AS"), "nordic fish holding");
  EXPECT_EQ(CompanyNameKey("Bryggen Øl & Mat AS"), "bryggen ol and mat");
  // A legal form inside the name is part of the name.
  EXPECT_EQ(CompanyNameKey("Acme AS Consulting"), "acme as consulting");
  // Tokens that only start like a form stay.
  EXPECT_EQ(CompanyNameKey("Asker Bakeri"), "asker bakeri");
}

TEST(CompanyNameKey, ANameMadeOnlyOfLegalFormsKeepsThem) {
  EXPECT_EQ(CompanyNameKey("AS"), "as");
  EXPECT_EQ(CompanyNameKey("A/S"), "a s");
  EXPECT_EQ(CompanyNameKey("Co. Ltd"), "co ltd");
  EXPECT_EQ(CompanyNameKey("& Co"), "and co");
  EXPECT_EQ(CompanyNameKey(""), "");
  EXPECT_EQ(CompanyNameKey(" & "), "and");
}

// --- every key of a record
// ----------------------------------------------------

std::vector<MatchKey> KeysOf(const KeySource& source,
                             absl::string_view region = "NO") {
  return MatchKeysOf(source, region);
}

TEST(MatchKeysOf, APersonsKeysSortedByKindAndKey) {
  KeySource jane{.kind = "person",
                 .name = "Jane Doe",
                 .email = "Jane.Doe+crm@gmail.com",
                 .phone = "+47 900 00 000",
                 .company = "Acme AS"};
  EXPECT_EQ(KeysOf(jane),
            (KeyVector{MatchKey{KeyKind::kEmail, "janedoe@gmail.com"},
                       MatchKey{KeyKind::kEmailLocal, "janedoe"},
                       MatchKey{KeyKind::kPhone, "+4790000000"},
                       MatchKey{KeyKind::kName, "doe jane"},
                       MatchKey{KeyKind::kNameToken, "doe"},
                       MatchKey{KeyKind::kNameToken, "jane"},
                       MatchKey{KeyKind::kCompany, "acme"}}));
}

TEST(MatchKeysOf, ACompanysNameIsACompanyName) {
  KeySource acme{.kind = "company",
                 .name = "Acme Nordic A/S",
                 .email = "",
                 .phone = "22 00 00 00",
                 .company = "Parent Holding AS"};
  EXPECT_EQ(KeysOf(acme), (KeyVector{MatchKey{KeyKind::kPhone, "+4722000000"},
                                     MatchKey{KeyKind::kName, "acme nordic"},
                                     MatchKey{KeyKind::kNameToken, "acme"},
                                     MatchKey{KeyKind::kNameToken, "nordic"}}));
  // The same name on a person is a person's name: sorted, form kept.
  acme.kind = "person";
  const KeyVector person_keys = KeysOf(acme);
  EXPECT_NE(std::find(person_keys.begin(), person_keys.end(),
                      MatchKey{KeyKind::kName, "a acme nordic s"}),
            person_keys.end());
  // A person's company gives a kCompany key.
  EXPECT_NE(std::find(person_keys.begin(), person_keys.end(),
                      MatchKey{KeyKind::kCompany, "parent holding"}),
            person_keys.end());
}

TEST(MatchKeysOf, NoDuplicateKeysAndNoShortTokens) {
  KeySource source;
  source.name = "Anna B. Anna";
  EXPECT_EQ(KeysOf(source), (KeyVector{MatchKey{KeyKind::kName, "anna anna b"},
                                       MatchKey{KeyKind::kNameToken, "anna"}}));
}

TEST(MatchKeysOf, AbsentAndUnusableValuesGiveNoKeys) {
  EXPECT_EQ(KeysOf(KeySource{}), KeyVector{});
  KeySource junk{.kind = "person",
                 .name = "  🙂 ",
                 .email = "not an email",
                 .phone = "n/a",
                 .company = " - "};
  EXPECT_EQ(KeysOf(junk), KeyVector{});
  KeySource invalid{.kind = "\xff",
                    .name = "\xff\xfe",
                    .email = "\xff@\xfe",
                    .phone = "\xff",
                    .company = "\xc3"};
  EXPECT_EQ(KeysOf(invalid, "\xff"), KeyVector{});
}

TEST(MatchKeysOf, ALongKeyIsCutAtACharacterBoundaryNotDropped) {
  // One token of a letter and 100 Han characters (3 bytes each): byte 255
  // is inside a character, which starts at byte 253.
  std::string name = "a";
  for (int i = 0; i < 100; ++i) name += "東";
  KeySource source;
  source.kind = "company";
  source.name = name;
  std::vector<MatchKey> keys = KeysOf(source);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].kind, KeyKind::kName);
  EXPECT_EQ(keys[0].key.size(), 253u);
  EXPECT_TRUE(IsValidUtf8(keys[0].key));
  EXPECT_EQ(keys[0].key.substr(0, 4), "a東");
  EXPECT_EQ(keys[1].kind, KeyKind::kNameToken);
  EXPECT_EQ(keys[1].key, keys[0].key);

  // A person's name with many tokens: the key is cut, no space at the end.
  std::string long_name;
  for (int i = 0; i < 60; ++i) long_name += "abcd ";
  source = KeySource();
  source.name = long_name;
  keys = KeysOf(source);
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(keys[0].kind, KeyKind::kName);
  EXPECT_LE(keys[0].key.size(), kMaxKeyBytes);
  EXPECT_GE(keys[0].key.size(), kMaxKeyBytes - 4);
  EXPECT_NE(keys[0].key.back(), ' ');
}

TEST(MatchKeysOf, EveryKeyIsShortValidUtf8ForHostileInput) {
  std::vector<std::string> inputs = {std::string(10000, '@'),
                                     std::string(10000, '9'),
                                     std::string(3000, '\xff'),
                                     std::string("\0\0\0", 3),
                                     "\xf0\x9f\x99",
                                     "+" + std::string(300, '1'),
                                     "Jane\xe2\x80\x8d\xf0\x9f\x91\xa9 Doe"};
  for (const std::string& input : inputs) {
    KeySource source{.kind = "person",
                     .name = input,
                     .email = input + "@" + input,
                     .phone = input,
                     .company = input};
    for (const MatchKey& key : KeysOf(source)) {
      EXPECT_FALSE(key.key.empty());
      EXPECT_LE(key.key.size(), kMaxKeyBytes);
      EXPECT_TRUE(IsValidUtf8(key.key)) << key.key;
    }
  }
}

TEST(MatchKeysOf, ThreadsMakingKeysAtOnceGetTheSameKeys) {
  KeySource jane;
  jane.name = "Ørjan Æbelø-Hansen";
  jane.email = "Orjan.Aebelo+x@gmail.com";
  jane.phone = "0047 900 00 000";
  jane.company = "Nordic Fish Holding A/S";
  const KeyVector expected = KeysOf(jane);
  ASSERT_EQ(expected.size(),
            8u);  // email, local, phone, name, 3 tokens, company
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (KeysOf(jane) != expected) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace crm::core::duplicates
