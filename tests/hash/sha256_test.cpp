// Known answers from FIPS 180-2 (appendix B): a different hash here would make every existing
// log fail verification and every imported segment look altered.

#include "hash/sha256.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace loaxa {
namespace {

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, PiecesMakeTheSameDigestAsTheWhole) {
  // A million 'a's fed in uneven pieces, crossing block boundaries (FIPS 180-2, B.3).
  Sha256Hasher h;
  const std::string piece(997, 'a');
  std::size_t left = 1'000'000;
  while (left > 0) {
    const std::size_t n = std::min(left, piece.size());
    h.update(piece.data(), n);
    left -= n;
  }
  EXPECT_EQ(to_hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // finish() starts the hasher over.
  h.update("abc");
  EXPECT_EQ(to_hex(h.finish()), to_hex(sha256("abc")));
}

}  // namespace
}  // namespace loaxa
