// A poster to pin up: one page, A4 or A5 portrait, with a big title at the
// top, a line saying what to do, a large QR code of a link in the middle and
// the link itself in small print under it (for a phone that will not scan).
// Drawn with Cairo, text with Pango in DejaVu Sans, as the card sheets are.
// The caller chooses every word: hardware knows nothing of what the link
// opens.
#pragma once

#include <loyalpos/result.h>

#include <string>

namespace loyalpos::hardware {

enum class PaperSize { kA4, kA5 };

struct Poster {
  PaperSize size = PaperSize::kA4;
  std::string title;        // may hold line breaks ("\n"); wrapped to the page's width
  std::string instruction;  // wrapped too
  std::string url;          // what the QR holds, printed as given under it
};

// Writes the PDF to `pdf_path` whole or not at all, refusing a device, a
// folder or a symbolic link there (hardware/file_output.h). Errors
// (kInvalidInput): an empty title or link, text that is not UTF-8, a link
// that cannot be a QR code, texts so long that the QR would be smaller than
// half the page's width; I/O (kIo) in plain words.
Status write_poster(const Poster& poster, const std::string& pdf_path);

}  // namespace loyalpos::hardware
