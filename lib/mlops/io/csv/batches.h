#pragma once
// The one loop over a CsvReader's batches that every streaming reader of CSV shares (read_csv,
// `mlops validate` of a file, batch-predict), with the restart an inferred type needs.

#include <vector>

#include "mlops/io/csv/reader.h"

namespace mlops {

/// Reads every batch of the input a CsvReader made by make_reader(options) gives, calling
/// on_batch(batch, bad, reader) with its good rows (which on_batch may move out) and its bad
/// records; an input without records gives one empty batch of its schema. When a later window
/// proves an undeclared column's inferred type too narrow, on_restart(mismatch) drops what the
/// earlier batches built and the read starts over with the column declared wider in `options`.
template <typename MakeReader, typename OnBatch, typename OnRestart>
void read_csv_batches(ReadOptions& options, MakeReader make_reader, OnBatch on_batch,
                      OnRestart on_restart) {
  for (;;) {
    try {
      CsvReader reader = make_reader(options);
      Table batch;
      std::vector<BadRecord> bad;
      bool any = false;
      while (reader.next(batch, bad)) {
        on_batch(batch, bad, reader);
        bad.clear();
        any = true;
      }
      if (!any) {
        Table empty = Table::empty(reader.schema());
        on_batch(empty, bad, reader);
      }
      return;
    } catch (const CsvReader::InferenceMismatch& mismatch) {
      on_restart(mismatch);
      options.declared.push_back({mismatch.column, mismatch.widened, {}});
    }
  }
}

}  // namespace mlops
