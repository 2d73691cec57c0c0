// The loyalty rules' part of the config: [[stamp_card]], [[points]],
// [[promotion]], [[tier]]. Every check here guards a mistake an owner can make.
#include <algorithm>
#include <cstdio>
#include <utility>

#include "pos/config/detail/config_parser.h"

namespace loyalpos::pos::detail {

namespace {

const toml::array* array_of_tables(const toml::table& root, const char* key, Status& status,
                                   const ConfigReader& reader) {
  const toml::node* node = root.get(key);
  if (node == nullptr) return nullptr;
  const auto* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    status = reader.error_at(*node, std::string("write these as [[") + key + "]]");
    return nullptr;
  }
  return array;
}

Result<int> parse_hhmm(const std::string& text) {
  int h = 0, m = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%2d:%2d%n", &h, &m, &consumed) != 2 || consumed != 5 ||
      text.size() != 5 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
    return Error::invalid("\"" + text + "\" is not a time like 08:00");
  }
  return h * 60 + m;
}

constexpr const char* kDayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

}  // namespace

Result<std::vector<loyalty::StampProgram>> ConfigReader::stamp_cards(
    const toml::table& root) const {
  std::vector<loyalty::StampProgram> out;
  Status status = ok_status();
  const auto* array = array_of_tables(root, "stamp_card", status, *this);
  if (!status.ok()) return status.error();
  if (array == nullptr) return out;
  for (const auto& item : *array) {
    const auto& t = *item.as_table();
    LOYALPOS_TRY(
        check_keys(t,
                   {"id", "name", "categories", "skus", "every", "reward", "free_item",
                    "stamps_expire_after_days", "max_rewards_per_sale", "min_total", "min_qty"},
                   " in [[stamp_card]]"));
    loyalty::StampProgram p;
    auto id = string_at(t, "id", "", true);
    if (!id.ok()) return id.error();
    if (id->empty()) return error_at(t, "a stamp card's id must not be empty");
    p.id = *id;
    auto name = string_at(t, "name", p.id, false);
    if (!name.ok()) return name.error();
    p.name = *name;
    auto items = products_at(t, "stamp card \"" + p.id + "\"");
    if (!items.ok()) return items.error();
    p.items = *items;
    auto every = int_at(t, "every", 0, 2, 1000, true);
    if (!every.ok()) return every.error();
    p.every = static_cast<int>(*every);
    auto reward = string_at(t, "reward", "apply_now", false);
    if (!reward.ok()) return reward.error();
    if (*reward == "bank") {
      p.mode = loyalty::RewardMode::kBank;
    } else if (*reward != "apply_now") {
      return error_at(*t.get("reward"), "\"reward\" must be \"apply_now\" or \"bank\"");
    }
    auto free_item = string_at(t, "free_item", "cheapest", false);
    if (!free_item.ok()) return free_item.error();
    if (*free_item == "most_expensive") {
      p.free_item = loyalty::FreeItem::kMostExpensive;
    } else if (*free_item != "cheapest") {
      return error_at(*t.get("free_item"),
                      "\"free_item\" must be \"cheapest\" or \"most_expensive\"");
    }
    if (t.get("stamps_expire_after_days")) {
      auto days = int_at(t, "stamps_expire_after_days", 0, 1, 3650);
      if (!days.ok()) return days.error();
      p.stamps_expire_after_days = static_cast<int>(*days);
    }
    if (t.get("max_rewards_per_sale")) {
      auto cap = int_at(t, "max_rewards_per_sale", 0, 1, 1000);
      if (!cap.ok()) return cap.error();
      p.max_rewards_per_sale = static_cast<int>(*cap);
    }
    LOYALPOS_TRY(minimums(t, "stamp card \"" + p.id + "\"", p.min_total, p.min_qty));
    for (const auto& other : out) {
      if (other.id == p.id) return error_at(t, "two stamp cards have the id \"" + p.id + "\"");
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<loyalty::PointsProgram>> ConfigReader::points_programs(
    const toml::table& root, const std::vector<loyalty::StampProgram>& cards) const {
  std::vector<loyalty::PointsProgram> out;
  Status status = ok_status();
  const auto* array = array_of_tables(root, "points", status, *this);
  if (!status.ok()) return status.error();
  if (array == nullptr) return out;
  for (const auto& item : *array) {
    const auto& t = *item.as_table();
    LOYALPOS_TRY(check_keys(
        t, {"id", "name", "categories", "skus", "per_amount", "threshold", "reward_amount"},
        " in [[points]]"));
    loyalty::PointsProgram p;
    auto id = string_at(t, "id", "", true);
    if (!id.ok()) return id.error();
    if (id->empty()) return error_at(t, "a points card's id must not be empty");
    p.id = *id;
    auto name = string_at(t, "name", p.id, false);
    if (!name.ok()) return name.error();
    p.name = *name;
    // No categories nor skus: every item earns points.
    if (t.get("categories") || t.get("skus")) {
      auto items = products_at(t, "points card \"" + p.id + "\"");
      if (!items.ok()) return items.error();
      p.items = *items;
    }
    const std::string what = "points card \"" + p.id + "\": ";
    for (auto [key, field] :
         {std::pair{"per_amount", &p.per_amount}, std::pair{"reward_amount", &p.reward_amount}}) {
      auto amount = money_at(t, key, true);
      if (!amount.ok()) return amount.error();
      if (*amount <= 0) {
        return error_at(*t.get(key), what + "\"" + key + "\" must be above zero");
      }
      *field = *amount;
    }
    auto threshold = int_at(t, "threshold", 0, 1, 1000000, true);
    if (!threshold.ok()) return threshold.error();
    p.threshold = *threshold;
    p.currency_exponent = currency_.exponent;
    for (const auto& other : cards) {
      if (other.id == p.id) {
        return error_at(t, "a stamp card and a points card have the id \"" + p.id + "\"");
      }
    }
    for (const auto& other : out) {
      if (other.id == p.id) return error_at(t, "two points cards have the id \"" + p.id + "\"");
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<loyalty::Tier>> ConfigReader::tiers(const toml::table& root) const {
  std::vector<loyalty::Tier> out;
  Status status = ok_status();
  const auto* array = array_of_tables(root, "tier", status, *this);
  if (!status.ok()) return status.error();
  if (array == nullptr) return out;
  for (const auto& item : *array) {
    const auto& t = *item.as_table();
    LOYALPOS_TRY(check_keys(t, {"id", "name", "visits", "window_days"}, " in [[tier]]"));
    loyalty::Tier tier;
    auto id = string_at(t, "id", "", true);
    if (!id.ok()) return id.error();
    tier.id = *id;
    auto name = string_at(t, "name", tier.id, false);
    if (!name.ok()) return name.error();
    tier.name = *name;
    auto visits = int_at(t, "visits", 0, 1, 1000, true);
    if (!visits.ok()) return visits.error();
    tier.visits = static_cast<int>(*visits);
    auto window = int_at(t, "window_days", 0, 1, 3650, true);
    if (!window.ok()) return window.error();
    tier.window_days = static_cast<int>(*window);
    for (const auto& other : out) {
      if (other.id == tier.id) return error_at(t, "two tiers have the id \"" + tier.id + "\"");
    }
    out.push_back(std::move(tier));
  }
  return out;
}

Result<loyalty::Schedule> ConfigReader::schedule(const toml::table& t,
                                                 const std::string& what) const {
  loyalty::Schedule s;
  for (const char* key : {"from", "to"}) {
    if (!t.get(key)) continue;
    auto text = string_at(t, key, "", true);
    if (!text.ok()) return text.error();
    auto day = loyalty::parse_date(*text);
    if (!day.ok())
      return error_at(*t.get(key), "\"" + std::string(key) + "\": " + day.error().message());
    (std::string(key) == "from" ? s.from_day : s.to_day) = *day;
  }
  if (const toml::node* days = t.get("days")) {
    auto names = strings_at(t, "days");
    if (!names.ok()) return names.error();
    s.weekdays = 0;
    for (const auto& name : *names) {
      const auto* found = std::find_if(std::begin(kDayNames), std::end(kDayNames),
                                       [&](const char* d) { return name == d; });
      if (found == std::end(kDayNames)) {
        return error_at(*days,
                        "\"" + name + "\" is not a day (use mon, tue, wed, thu, fri, sat, sun)");
      }
      s.weekdays |= static_cast<std::uint8_t>(1u << (found - std::begin(kDayNames)));
    }
  }
  if (const toml::node* hours = t.get("hours")) {
    auto text = string_at(t, "hours", "", true);
    if (!text.ok()) return text.error();
    const auto dash = text->find('-');
    auto start = parse_hhmm(text->substr(0, dash));
    auto end = dash == std::string::npos ? Result<int>(Error::invalid(""))
                                         : parse_hhmm(text->substr(dash + 1));
    // A window starts before 24:00; one that ends before it starts runs
    // across midnight.
    if (!start.ok() || !end.ok() || *start == 24 * 60) {
      return error_at(*hours,
                      "\"hours\" must be like \"08:00-11:30\" (or \"22:00-02:00\" across "
                      "midnight)");
    }
    s.start_minute = *start;
    s.end_minute = *end;
  }
  if (!s.ever_occurs()) {
    return error_at(t, what + ": its window never occurs (check from/to, days and hours)");
  }
  return s;
}

Result<loyalty::Promotion> ConfigReader::promotion(const toml::table& t) const {
  using loyalty::PromotionKind;
  LOYALPOS_TRY(check_keys(t,
                          {"id",
                           "name",
                           "kind",
                           "categories",
                           "skus",
                           "buy",
                           "get",
                           "n",
                           "m",
                           "percent",
                           "amount",
                           "price",
                           "component",
                           "from",
                           "to",
                           "days",
                           "hours",
                           "priority",
                           "combinable",
                           "earns_stamps",
                           "audience",
                           "tier",
                           "code",
                           "source",
                           "coupons",
                           "min_total",
                           "min_qty",
                           "max_uses",
                           "max_uses_per_card",
                           "max_discount",
                           "trigger"},
                          " in [[promotion]]"));
  loyalty::Promotion p;
  auto id = string_at(t, "id", "", true);
  if (!id.ok()) return id.error();
  if (id->empty()) return error_at(t, "a promotion's id must not be empty");
  p.id = *id;
  const std::string what = "promotion \"" + p.id + "\"";
  auto name = string_at(t, "name", p.id, false);
  if (!name.ok()) return name.error();
  p.name = *name;
  auto kind = string_at(t, "kind", "", true);
  if (!kind.ok()) return kind.error();
  if (*kind == "buy_x_get_y") {
    p.kind = PromotionKind::kBuyXGetY;
    auto buy = int_at(t, "buy", 0, 1, 100, true);
    if (!buy.ok()) return buy.error();
    auto get = int_at(t, "get", 0, 1, 100, true);
    if (!get.ok()) return get.error();
    p.buy = static_cast<int>(*buy);
    p.get = static_cast<int>(*get);
  } else if (*kind == "n_for_m") {
    p.kind = PromotionKind::kNForM;
    auto n = int_at(t, "n", 0, 2, 100, true);
    if (!n.ok()) return n.error();
    auto m = int_at(t, "m", 0, 1, 99, true);
    if (!m.ok()) return m.error();
    if (*m >= *n) return error_at(*t.get("m"), what + ": \"m\" must be less than \"n\"");
    p.n = static_cast<int>(*n);
    p.m = static_cast<int>(*m);
  } else if (*kind == "percent_off") {
    p.kind = PromotionKind::kPercentOff;
    auto percent = int_at(t, "percent", 0, 1, 100, true);
    if (!percent.ok()) return percent.error();
    p.percent = static_cast<int>(*percent);
    if (t.get("max_discount")) {
      auto cap = money_at(t, "max_discount", true);
      if (!cap.ok()) return cap.error();
      if (*cap <= 0) {
        return error_at(*t.get("max_discount"), what + ": \"max_discount\" must be above zero");
      }
      p.max_discount = *cap;
    }
  } else if (*kind == "order_amount_off") {
    p.kind = PromotionKind::kOrderAmountOff;
    auto amount = money_at(t, "amount", true);
    if (!amount.ok()) return amount.error();
    if (*amount <= 0) return error_at(*t.get("amount"), what + ": \"amount\" must be above zero");
    p.amount = *amount;
  } else if (*kind == "gift") {
    p.kind = PromotionKind::kGift;
    Status status = ok_status();
    const toml::table* trigger = table_at(t, "trigger", status);
    if (!status.ok()) return status.error();
    if (trigger == nullptr) {
      return error_at(t, what + ": a gift needs [promotion.trigger] with what must be bought");
    }
    LOYALPOS_TRY(check_keys(*trigger, {"categories", "skus"}, " in [promotion.trigger]"));
    auto set = products_at(*trigger, what + ": the trigger");
    if (!set.ok()) return set.error();
    p.trigger = *set;
  } else if (*kind == "amount_off") {
    p.kind = PromotionKind::kAmountOff;
    auto amount = money_at(t, "amount", true);
    if (!amount.ok()) return amount.error();
    if (*amount <= 0) return error_at(*t.get("amount"), what + ": \"amount\" must be above zero");
    p.amount = *amount;
  } else if (*kind == "bundle") {
    p.kind = PromotionKind::kBundle;
    auto price = money_at(t, "price", true);
    if (!price.ok()) return price.error();
    p.amount = *price;
    Status status = ok_status();
    const auto* components = array_of_tables(t, "component", status, *this);
    if (!status.ok()) return status.error();
    if (components == nullptr || components->size() < 2) {
      return error_at(t, what + ": a bundle needs at least two [[promotion.component]]");
    }
    for (const auto& c : *components) {
      const auto& ct = *c.as_table();
      LOYALPOS_TRY(check_keys(ct, {"categories", "skus"}, " in [[promotion.component]]"));
      auto set = products_at(ct, what + ": a component");
      if (!set.ok()) return set.error();
      p.components.push_back(*set);
    }
  } else {
    return error_at(*t.get("kind"), what +
                                        ": \"kind\" must be buy_x_get_y, n_for_m, percent_off, "
                                        "amount_off, order_amount_off, bundle or gift");
  }
  if (t.get("trigger") && p.kind != PromotionKind::kGift) {
    return error_at(*t.get("trigger"), what + ": [promotion.trigger] is for kind = \"gift\"");
  }
  if (t.get("max_discount") && p.kind != PromotionKind::kPercentOff) {
    return error_at(*t.get("max_discount"),
                    what + ": \"max_discount\" is for kind = \"percent_off\"");
  }
  // An order's amount off is on the whole basket unless it names products.
  const bool whole_basket =
      p.kind == PromotionKind::kOrderAmountOff && !t.get("categories") && !t.get("skus");
  if (p.kind != PromotionKind::kBundle && !whole_basket) {
    auto items = products_at(t, what);
    if (!items.ok()) return items.error();
    p.items = *items;
  }
  auto schedule_result = schedule(t, what);
  if (!schedule_result.ok()) return schedule_result.error();
  p.schedule = *schedule_result;
  auto priority = int_at(t, "priority", 0, -1000, 1000);
  if (!priority.ok()) return priority.error();
  p.priority = static_cast<int>(*priority);
  auto combinable = bool_at(t, "combinable", true);
  if (!combinable.ok()) return combinable.error();
  p.combinable = *combinable;
  auto earns = bool_at(t, "earns_stamps", false);
  if (!earns.ok()) return earns.error();
  p.earns_stamps = *earns;
  auto audience = string_at(t, "audience", "everyone", false);
  if (!audience.ok()) return audience.error();
  if (*audience == "cards") {
    p.audience = loyalty::Audience::kCardHolders;
  } else if (*audience == "welcome") {
    p.audience = loyalty::Audience::kWelcome;
  } else if (*audience == "tier") {
    p.audience = loyalty::Audience::kTier;
    auto tier = string_at(t, "tier", "", true);
    if (!tier.ok()) return tier.error();
    p.tier = *tier;
  } else if (*audience != "everyone") {
    return error_at(*t.get("audience"),
                    what + ": \"audience\" must be everyone, cards, welcome or tier");
  }
  if (p.audience != loyalty::Audience::kTier && t.get("tier")) {
    return error_at(*t.get("tier"), what + ": \"tier\" needs audience = \"tier\"");
  }
  LOYALPOS_TRY(minimums(t, what, p.min_total, p.min_qty));
  LOYALPOS_TRY(code_and_limits(t, what, p));
  return p;
}

Status ConfigReader::minimums(const toml::table& t, const std::string& what,
                              std::optional<std::int64_t>& min_total,
                              std::optional<int>& min_qty) const {
  if (t.get("min_total")) {
    auto total = money_at(t, "min_total", true);
    if (!total.ok()) return total.error();
    if (*total <= 0) {
      return error_at(*t.get("min_total"), what + ": \"min_total\" must be above zero");
    }
    min_total = *total;
  }
  if (t.get("min_qty")) {
    auto qty = int_at(t, "min_qty", 0, 1, 1000);
    if (!qty.ok()) return qty.error();
    min_qty = static_cast<int>(*qty);
  }
  return ok_status();
}

Status ConfigReader::code_and_limits(const toml::table& t, const std::string& what,
                                     loyalty::Promotion& p) const {
  if (const toml::node* node = t.get("code")) {
    auto code = string_at(t, "code", "", true);
    if (!code.ok()) return code.error();
    // Letters, digits, - and _: what a barista can type and a QR carries
    // without escaping; never a space, so "code X" reads as one code.
    const bool plain =
        !code->empty() && code->size() <= 32 && std::all_of(code->begin(), code->end(), [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
        });
    if (!plain) {
      return error_at(*node, what +
                                 ": \"code\" must be 1 to 32 letters, digits, - or _ (like "
                                 "\"VK2611\")");
    }
    p.code = loyalty::normal_code(*code);
  }
  auto coupons = bool_at(t, "coupons", false);
  if (!coupons.ok()) return coupons.error();
  p.coupons = *coupons;
  if (p.coupons && !p.code.empty()) {
    return error_at(*t.get("coupons"),
                    what + ": \"coupons\" and \"code\" cannot both unlock one promotion");
  }
  if (const toml::node* node = t.get("source")) {
    if (p.code.empty() && !p.coupons) {
      return error_at(*node, what + ": \"source\" needs a \"code\" or \"coupons\"");
    }
    auto source = string_at(t, "source", "", true);
    if (!source.ok()) return source.error();
    if (source->empty() || source->size() > 100) {
      return error_at(*node, what + ": \"source\" must be 1 to 100 characters");
    }
    p.source = *source;
  }
  if (t.get("max_uses")) {
    auto uses = int_at(t, "max_uses", 0, 1, 1000000000);
    if (!uses.ok()) return uses.error();
    p.max_uses = *uses;
  }
  if (t.get("max_uses_per_card")) {
    auto uses = int_at(t, "max_uses_per_card", 0, 1, 1000000);
    if (!uses.ok()) return uses.error();
    p.max_uses_per_card = *uses;
  }
  return ok_status();
}

Result<std::vector<loyalty::Promotion>> ConfigReader::promotions(
    const toml::table& root, const std::vector<loyalty::Tier>& tiers) const {
  std::vector<loyalty::Promotion> out;
  Status status = ok_status();
  const auto* array = array_of_tables(root, "promotion", status, *this);
  if (!status.ok()) return status.error();
  if (array == nullptr) return out;
  for (const auto& item : *array) {
    const auto& t = *item.as_table();
    auto p = promotion(t);
    if (!p.ok()) return p.error();
    if (p->audience == loyalty::Audience::kTier &&
        std::none_of(tiers.begin(), tiers.end(),
                     [&](const loyalty::Tier& x) { return x.id == p->tier; })) {
      return error_at(*t.get("tier"),
                      "promotion \"" + p->id + "\": no [[tier]] has the id \"" + p->tier + "\"");
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      const auto& other = out[i];
      if (other.id == p->id) return error_at(t, "two promotions have the id \"" + p->id + "\"");
      if (!p->code.empty() && other.code == p->code) {
        return error_at(*t.get("code"), "promotions \"" + other.id + "\" and \"" + p->id +
                                            "\" have the same code \"" + p->code +
                                            "\" (codes are the same in any case)");
      }
      auto items_of = [](const loyalty::Promotion& x) {
        loyalty::ProductSet all = x.items;
        all.categories.insert(all.categories.end(), x.trigger.categories.begin(),
                              x.trigger.categories.end());
        all.skus.insert(all.skus.end(), x.trigger.skus.begin(), x.trigger.skus.end());
        for (const auto& c : x.components) {
          all.categories.insert(all.categories.end(), c.categories.begin(), c.categories.end());
          all.skus.insert(all.skus.end(), c.skus.begin(), c.skus.end());
        }
        return all;
      };
      if (!p->combinable && !other.combinable && p->priority == other.priority &&
          items_of(*p).intersects(items_of(other)) && p->schedule.overlaps(other.schedule)) {
        return error_at(t, "promotions \"" + other.id + "\" and \"" + p->id +
                               "\" both exclude others, can apply to the same items at the same "
                               "time and have the same priority: give one a higher priority");
      }
    }
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace loyalpos::pos::detail
