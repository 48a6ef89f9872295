#include "core/duplicates/nicknames.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_split.h"

namespace crm::core::duplicates {
namespace {

// Common English nicknames, a few Nordic ones, and other spellings of one
// name. Left out on purpose: nicknames of a man's and a woman's name alike
// (pat, sam, jo, terry, sandy), and names that are given names of their own
// in the Nordic countries (jon, ola, kim, mette). "chris" and "alex" are in:
// most often they stand for Christopher and Alexander.
constexpr NicknameGroup kGroups[] = {
    // Men's names.
    {"robert", "bob bobby rob robbie robby"},
    {"william", "bill billy will willy willie"},
    {"james", "jim jimmy jimbo"},
    {"john", "johnny jack"},
    {"michael", "mike mikey mick mickey"},
    {"thomas", "tom tommy"},
    {"richard", "dick rick ricky rich richie"},
    {"joseph", "joe joey"},
    {"charles", "charlie chuck chas"},
    {"edward", "ed eddie eddy ted teddy ned"},
    {"anthony", "tony antony"},
    {"daniel", "dan danny"},
    {"david", "dave davey"},
    {"matthew", "matt matty"},
    {"christopher", "chris"},
    {"nicholas", "nick nicky nicolas nikolas"},
    {"alexander", "alex"},
    {"benjamin", "ben benny"},
    {"samuel", "sammy"},
    {"andrew", "andy drew"},
    {"steven", "steve stevie stephen"},
    {"timothy", "tim timmy"},
    {"peter", "pete"},
    {"kenneth", "ken kenny"},
    {"ronald", "ron ronnie"},
    {"donald", "don donnie"},
    {"gerald", "gerry"},
    {"lawrence", "larry laurence"},
    {"leonard", "len lenny"},
    {"raymond", "ray"},
    {"gregory", "greg"},
    {"jeffrey", "jeff geoffrey geoff"},
    {"frederick", "fred freddie freddy"},
    {"henry", "hank harry"},
    {"alfred", "alf alfie"},
    {"arthur", "art artie"},
    {"walter", "walt wally"},
    {"eugene", "gene"},
    {"theodore", "theo"},
    {"zachary", "zach zack"},
    {"douglas", "doug"},
    {"philip", "phil phillip"},
    {"vincent", "vince vinny"},
    {"stanley", "stan"},
    {"bradley", "brad"},
    {"gabriel", "gabe"},
    {"ernest", "ernie"},
    {"herbert", "herb"},
    {"jacob", "jake"},
    {"joshua", "josh"},
    {"mitchell", "mitch"},
    {"russell", "russ"},
    {"muhammad", "mohammed mohammad mohamed muhammed"},
    // Women's names.
    {"elizabeth", "liz lizzie lizzy beth betsy betty libby elisabeth"},
    {"katherine",
     "kate katie katy kathy cathy kat kitty catherine kathryn katharine "
     "cathrine kathrine"},
    {"margaret", "maggie meg peggy marge margie"},
    {"jennifer", "jen jenn jenny"},
    {"susan", "sue susie suzy"},
    {"deborah", "deb debbie debby debra"},
    {"rebecca", "becky becca"},
    {"patricia", "patty patsy trish tricia"},
    {"barbara", "barb babs"},
    {"dorothy", "dot dottie"},
    {"jessica", "jess jessie"},
    {"abigail", "abby abbie"},
    {"victoria", "vicky vicki tori"},
    {"pamela", "pam"},
    {"jacqueline", "jackie"},
    {"judith", "judy"},
    {"cynthia", "cindy"},
    {"theresa", "tess teresa"},
    {"eleanor", "ellie nell nellie elinor"},
    {"angela", "angie"},
    {"amanda", "mandy"},
    {"valerie", "val"},
    {"josephine", "josie"},
    {"penelope", "penny"},
    {"gwendolyn", "gwen"},
    {"matilda", "tilly mathilda"},
    // Nordic names.
    {"karl", "kalle carl"},
    {"lars", "lasse"},
    {"per", "pelle"},
    {"olof", "olle"},
    {"nils", "nisse"},
    {"hans", "hasse"},
    {"gustav", "gustaf"},
    {"kristian", "christian"},
    {"kristoffer", "christoffer"},
};

using NicknameMap = absl::flat_hash_map<absl::string_view, absl::string_view>;

const NicknameMap& Map() {
  static const NicknameMap* const map = [] {
    auto* made = new NicknameMap;
    for (const NicknameGroup& group : kGroups) {
      for (absl::string_view variant :
           absl::StrSplit(group.variants, ' ', absl::SkipEmpty())) {
        made->try_emplace(variant, group.canonical);
      }
    }
    return made;
  }();
  return *map;
}

}  // namespace

absl::Span<const NicknameGroup> NicknameGroups() { return kGroups; }

absl::string_view CanonicalGivenName(absl::string_view token) {
  const NicknameMap& map = Map();
  auto found = map.find(token);
  return found == map.end() ? token : found->second;
}

}  // namespace crm::core::duplicates
