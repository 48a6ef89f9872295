#include "progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <utility>

namespace crm::cli {
namespace {

// Set by SIGINT while a ProgressBar lives; read by its callback.
volatile std::sig_atomic_t interrupted = 0;

void OnInterrupt(int /*signal*/) { interrupted = 1; }

constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

// 1234567 as "1,234,567".
std::string Grouped(int64_t number) {
  std::string digits = std::to_string(number < 0 ? -number : number);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return number < 0 ? "-" + out : out;
}

// Bytes as "812 B", "3.4 KiB", "12.0 MiB", "1.5 GiB".
std::string Bytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

// Seconds as "0:07", "12:30" or "2:05:00".
std::string Duration(double seconds) {
  auto whole = static_cast<int64_t>(seconds + 0.5);
  char text[32];
  if (whole >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld",
                  static_cast<long long>(whole / 3600),
                  static_cast<long long>(whole / 60 % 60),
                  static_cast<long long>(whole % 60));
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld",
                  static_cast<long long>(whole / 60),
                  static_cast<long long>(whole % 60));
  }
  return text;
}

}  // namespace

ProgressBar::ProgressBar(const Globals& globals, std::string verb,
                         std::string unit)
    : verb_(std::move(verb)),
      unit_(std::move(unit)),
      drawing_(!globals.quiet && isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  interrupted = 0;
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the process
  sigaction(SIGINT, &action, &previous_);
}

ProgressBar::~ProgressBar() {
  Finish();
  sigaction(SIGINT, &previous_, nullptr);
}

int ProgressBar::Callback(void* context, int64_t items, int64_t bytes,
                          int64_t bytes_total) {
  auto* bar = static_cast<ProgressBar*>(context);
  bar->items_ = items;
  bar->bytes_ = bytes;
  bar->bytes_total_ = bytes_total;
  auto now = std::chrono::steady_clock::now();
  if (bar->drawing_ &&
      (!bar->drawn_ || now - bar->last_draw_ >= kRedrawEvery)) {
    bar->Draw(false);
  }
  return interrupted != 0 ? 1 : 0;
}

void ProgressBar::Draw(bool final) {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string line =
      verb_ + ": " + Grouped(items_) + " " + unit_ + ", " + Bytes(bytes_);
  if (bytes_total_ > 0) {
    line += " of " + Bytes(bytes_total_) + " (" +
            std::to_string(bytes_ * 100 / bytes_total_) + "%)";
  }
  if (elapsed > 0) {
    line += ", " + Grouped(static_cast<int64_t>(items_ / elapsed)) + " " +
            unit_ + "/s";
  }
  if (final) {
    line += (interrupted != 0 ? ", stopped after " : ", ") + Duration(elapsed);
  } else if (bytes_total_ > 0 && bytes_ > 0 && bytes_ < bytes_total_) {
    line += ", ETA " +
            Duration(elapsed * static_cast<double>(bytes_total_ - bytes_) /
                     static_cast<double>(bytes_));
  }
  std::cerr << '\r' << line << "\x1b[K" << std::flush;
  drawn_ = true;
  last_draw_ = now;
}

void ProgressBar::Finish() {
  if (!drawing_) return;
  if (drawn_) {
    Draw(true);
    std::cerr << '\n' << std::flush;
  }
  drawing_ = false;
}

}  // namespace crm::cli
