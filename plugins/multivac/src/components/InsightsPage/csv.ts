/** One CSV column: its header and how a row's cell is read. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
}

function cell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Quoted when needed; a leading =, +, - or @ is defused for spreadsheets.
  const safe =
    /^[=+\-@]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV with a header line. */
export function toCsv<T>(rows: T[], columns: CsvColumn<T>[]): string {
  return [
    columns.map(c => cell(c.header)).join(','),
    ...rows.map(row => columns.map(c => cell(c.value(row))).join(',')),
  ].join('\r\n');
}

/** Hands the CSV to the browser as a file download. */
export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}
