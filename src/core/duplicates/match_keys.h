// Match keys: a customer's name, email, phone and company turned into
// normalised keys, so that two records of one person share a key however each
// was typed; and the similarity of two names. This header is the rule book a
// data steward reads: every rule a key follows is stated here.
//
// Every function is pure (no storage, no I/O), thread-safe, and takes any
// bytes: invalid UTF-8, emoji, control characters or empty text give fewer or
// no keys, never a crash. Keys are well-formed UTF-8.
#ifndef CRM_CORE_DUPLICATES_MATCH_KEYS_H_
#define CRM_CORE_DUPLICATES_MATCH_KEYS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::core::duplicates {

// Kinds of match key; stored as these integers (never renumber).
enum class KeyKind : int {
  kEmail = 1,       // EmailKey: the whole email, normalised
  kEmailLocal = 2,  // EmailLocalKey: the local part only (the same person at
                    // another domain)
  kPhone = 3,       // PhoneKey: E.164, e.g. "+4790000000"
  kName = 4,        // PersonNameKey of a person, CompanyNameKey of a company
  kNameToken = 5,   // each token of the kName key of at least 2 bytes, for
                    // approximate matching: candidates sharing a token
  kCompany = 6,     // CompanyNameKey of a person's `company` field
};
constexpr int kKeyKindCount = 7;  // KeyKind values are below this

// The match key kinds by their names in rule definitions and reports
// ("email", "email_local", "phone", "name", "name_token", "company").
const char* KeyKindName(KeyKind kind);
std::optional<KeyKind> KeyKindNamed(absl::string_view name);

// The longest key, in bytes. A longer key is cut at the last UTF-8 character
// boundary at or before this length (and a space left at the cut is
// dropped): it is kept, not dropped.
inline constexpr size_t kMaxKeyBytes = 255;

// One key of a record. `key`: UTF-8, 1 to kMaxKeyBytes bytes.
struct MatchKey {
  KeyKind kind;
  std::string key;

  friend bool operator==(const MatchKey& a, const MatchKey& b) {
    return a.kind == b.kind && a.key == b.key;
  }
  friend bool operator<(const MatchKey& a, const MatchKey& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.key < b.key;
  }
};

// The values keys come from: the standard fields kind ("person"/"company"),
// name, email, phone, company; empty = absent.
struct KeySource {
  std::string kind, name, email, phone, company;
};

// Every key of a record, sorted by (kind, key), without duplicates:
// - kEmail and kEmailLocal from `email` (when EmailKey / EmailLocalKey give
//   one);
// - kPhone from `phone` with `default_region` (PhoneKey);
// - kName from `name`: CompanyNameKey when `kind` is "company", otherwise
//   (a person, or any other or empty kind) PersonNameKey; and one kNameToken
//   per distinct token of that key of at least 2 bytes;
// - kCompany from `company`, for a person only: CompanyNameKey (a company's
//   own `company` field gives no key).
// Empty keys are left out; longer keys are cut to kMaxKeyBytes.
// `default_region`: ISO 3166 alpha-2 ("NO"), or "" for none (see PhoneKey).
std::vector<MatchKey> MatchKeysOf(const KeySource& source,
                                  absl::string_view default_region);

// Email providers whose mailboxes deliver sub-addresses ("jane+news@") to the
// plain address ("jane@"): gmail.com, googlemail.com, outlook.com,
// hotmail.com, live.com, icloud.com, me.com, mac.com, fastmail.com,
// protonmail.com, protonmail.ch, proton.me, pm.me.
//
// The whole email, normalised:
// - surrounding whitespace trimmed, lower-cased (full Unicode, simple case
//   mapping), a trailing '.' of the domain dropped;
// - googlemail.com becomes gmail.com (the same mailbox), and dots in a
//   gmail.com local part are removed ("Jane.Doe@gmail.com" ->
//   "janedoe@gmail.com");
// - at the providers above, "+tag" is removed from the local part
//   ("jane+news@outlook.com" -> "jane@outlook.com"); elsewhere it is kept
//   (a company's server may deliver "sales+eu@" to another person).
// No key (nullopt) for text without exactly one '@', or with nothing before
// or after it.
std::optional<std::string> EmailKey(absl::string_view email);

// The local part alone, to find the same person at another domain: trimmed
// and lower-cased as EmailKey, "+tag" removed (at every domain), and '.',
// '-' and '_' removed (they separate the same words: "jane.doe@acme.com"
// and "jane_doe@gmail.com" give "janedoe"). No key when EmailKey gives none,
// when fewer than 3 bytes remain, or for role mailboxes that many unrelated
// customers share: info, post, postmaster, contact, kontakt, mail, office,
// hello, hei, sales, salg, support, service, kundeservice, admin, webmaster,
// noreply, donotreply, billing, invoice, faktura, accounts, regnskap, hr,
// jobs, team, firmapost.
std::optional<std::string> EmailLocalKey(absl::string_view email);

// The number in E.164 ("+4790000000"), parsed by libphonenumber with
// `default_region` for numbers written without a country code ("900 00 000"
// with "NO"). A number written with "00" before the country code parses in
// any region and without one ("0047 900 00 000", also where "00" is not the
// international prefix, as in "US"). When libphonenumber cannot parse
// the text, or the number has a length no number of its country can have,
// the key is "?" followed by the text's digits ("?90000000"), which never
// equals an E.164 key, and only when there are at least 6 digits; else no
// key. A `default_region` that IsRegionCode refuses counts as none (only
// "+" and "00" numbers parse). An extension ("ext. 12") is not part of the
// key. Costs a few microseconds (libphonenumber's parse).
std::optional<std::string> PhoneKey(absl::string_view phone,
                                    absl::string_view default_region);

// True when `region` is an ISO 3166 alpha-2 code, in upper case, that
// libphonenumber has numbering data for ("NO", "SE", "US"; not "no", "XX",
// "001" or "").
bool IsRegionCode(absl::string_view region);

// Text folded for matching, with ICU:
// - case folded (full Unicode: "Ä" -> "ä", "Σ" -> "σ");
// - compatibility forms and accents removed by NFKD decomposition and
//   dropping the marks ("é" -> "e", "å" -> "a", "ü" -> "u", "ﬁ" -> "fi",
//   full-width "Ａ" -> "a");
// - letters that do not decompose spelled in ASCII: ø -> o, æ -> ae,
//   œ -> oe, ß -> ss, ł -> l, đ -> d, ð -> d, þ -> th, ı -> i, ħ -> h,
//   ŧ -> t, ŀ -> l;
// - "&" -> "and";
// - everything that is neither letter nor digit (punctuation, symbols,
//   emoji, whitespace, invalid UTF-8) separates words, as one space;
//   invisible format characters (soft hyphen, zero-width joiner) are
//   dropped; letters of other scripts are kept ("東京" stays);
// - no space at either end.
// "  Ørjan   Æbelø-Müller " -> "orjan aebelo muller".
std::string FoldText(absl::string_view text);

// A person's name as a key: FoldText, each token replaced by its canonical
// given name when it is a common nickname or spelling (nicknames.cc: "bob"
// -> "robert", "liz" -> "elizabeth", "cathy" -> "katherine", "kalle" ->
// "karl"; applied to every token, as a family name cannot be told from a
// given name), then the tokens sorted (bytewise) so "Doe, Jane" =
// "Jane Doe" = "doe jane". Not cut to kMaxKeyBytes (MatchKeysOf cuts).
std::string PersonNameKey(absl::string_view name);

// A company's name as a key: FoldText, then legal-form tokens removed at the
// end, repeatedly ("Acme Holding AS", "ACME HOLDING A/S", "Acme Holding" ->
// "acme holding"; "Hansen & Co. KG" -> "hansen"), and a few forms written
// first ("AB Volvo" -> "volvo"). The forms are listed in legal_forms.cc:
// as, a/s, asa, ab, oy, oyj, aps, gmbh, ag, kg, ltd, limited, llc, inc,
// incorporated, corp, corporation, co, company, plc, sa, sas, sarl, srl, spa,
// bv, nv, pty, lp, llp and more. A name made only of legal forms keeps them
// ("AS" -> "as", "Co. Ltd" -> "co ltd"). Tokens keep their order.
std::string CompanyNameKey(absl::string_view name);

// How alike two names are, given as their kName keys: 0 (nothing alike) to
// 1 (equal keys). The tokens of the two keys are paired one to one, the
// pairing that scores best (every pairing tried up to 4 tokens a side,
// greedily best-first beyond). A pair scores its Damerau-Levenshtein
// similarity (1 - edits / the longer token's length, in characters; an
// adjacent transposition is one edit; why not Jaro-Winkler:
// name_similarity.cc) weighted by the pair's total length; a token left
// without a partner scores 0 with its length as weight. So "doe jane" vs
// "doe jnae" = 0.86, "anna hansen" vs "hansen ola" = 0.72, and tokens in
// another order pair the same. An empty key (or one of spaces) is like
// nothing, not even another empty key: 0. Costs well under a microsecond
// for two or three tokens, and allocates nothing for keys of up to 255
// characters in up to 8 tokens.
double NameSimilarity(absl::string_view a_key, absl::string_view b_key);

}  // namespace crm::core::duplicates

#endif  // CRM_CORE_DUPLICATES_MATCH_KEYS_H_
