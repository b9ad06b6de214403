#include "audit/checkpoint.h"

#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include "store/audit_chain.h"

namespace loaxa {

std::string checkpoint_message(std::int64_t head_seq, std::string_view head_hash_hex,
                               std::int64_t at_us) {
  return fmt::format("loaxa-checkpoint-v1\n{}\n{}\n{}\n", head_seq, head_hash_hex, at_us);
}

std::optional<std::int64_t> write_checkpoint(SQLite::Database& db, const StationKey& key,
                                             Instant at, std::string_view reason) {
  ChainedWrite write(db);
  AuditChain chain(db);
  const auto head = chain.head();
  if (!head || head->table == "checkpoints") return std::nullopt;
  const std::int64_t at_us = at.time_since_epoch().count();
  const std::string head_hash = to_hex(head->hash);
  const auto signature = key.sign(checkpoint_message(head->seq, head_hash, at_us));
  SQLite::Statement q(db,
                      "INSERT INTO checkpoints (at_us, head_seq, head_hash, public_key, "
                      "signature, reason) VALUES (?,?,?,?,?,?)");
  q.bind(1, static_cast<int64_t>(at_us));
  q.bind(2, static_cast<int64_t>(head->seq));
  q.bind(3, head_hash);
  q.bind(4, key.public_key().hex());
  q.bind(5, to_hex(signature.data(), signature.size()));
  q.bind(6, std::string(reason));
  q.exec();
  const auto event = chain.append("checkpoints", db.getLastInsertRowid(), at);
  write.commit();
  return event.seq;
}

}  // namespace loaxa
