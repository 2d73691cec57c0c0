// Per-card state of a report, by card id: an open-addressing index of
// (hash, position) slots over one vector of ids and one of states. A report
// looks a card up for nearly each of a million journey facts; a lookup here
// touches one slot, then the id and the state, where std::unordered_map
// walked a bucket, a node and the key's own buffer (a fifth of the journey
// map's time on a chain of 50 000 cards).
//
// References into it hold until the next insertion (states live in a
// vector); positions hold for good.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace loyalpos::reports {

template <typename State>
class CardTable {
 public:
  // The card's position, added with a default state when new. A sale's
  // facts come one after another: the last card looked up is kept at hand.
  std::size_t position(std::string_view id) {
    if (last_ < ids_.size() && ids_[last_] == id) return last_;
    last_ = find_or_add(id);
    return last_;
  }
  State& operator[](std::string_view id) { return states_[position(id)]; }
  State& at(std::size_t position) { return states_[position]; }

  // The card's state, or nullptr when it has none.
  const State* find(std::string_view id) const {
    if (slots_.empty()) return nullptr;
    const std::uint64_t h = hash(id);
    for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
      const Slot& slot = slots_[i];
      if (slot.position == kEmpty) return nullptr;
      if (slot.hash == h && ids_[slot.position] == id) return &states_[slot.position];
    }
  }

  std::size_t size() const { return ids_.size(); }
  const std::string& id(std::size_t position) const { return ids_[position]; }
  const std::vector<State>& states() const { return states_; }

 private:
  static constexpr std::uint32_t kEmpty = 0xffffffffu;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t position = kEmpty;
  };

  std::size_t find_or_add(std::string_view id) {
    if ((ids_.size() + 1) * 2 > slots_.size()) grow();
    const std::uint64_t h = hash(id);
    for (std::size_t i = h & mask();; i = (i + 1) & mask()) {
      Slot& slot = slots_[i];
      if (slot.position == kEmpty) {
        slot = {h, static_cast<std::uint32_t>(ids_.size())};
        ids_.emplace_back(id);
        states_.emplace_back();
        return slot.position;
      }
      if (slot.hash == h && ids_[slot.position] == id) return slot.position;
    }
  }

  static std::uint64_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }
  std::size_t mask() const { return slots_.size() - 1; }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    for (const Slot& slot : old) {
      if (slot.position == kEmpty) continue;
      std::size_t i = slot.hash & mask();
      while (slots_[i].position != kEmpty) i = (i + 1) & mask();
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;  // a power of two of them, at most half taken
  std::vector<std::string> ids_;
  std::vector<State> states_;
  std::size_t last_ = 0;  // the last position looked up (when there is one)
};

}  // namespace loyalpos::reports
