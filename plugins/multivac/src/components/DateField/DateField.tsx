import { TextField } from '@material-ui/core';

export interface DateFieldProps {
  id: string;
  label: string;
  /** `date` gives `YYYY-MM-DD`; `datetime-local` gives local time without a zone. */
  type: 'date' | 'datetime-local';
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  helperText?: string;
  /** Marks the field as wrong; `helperText` then says why. */
  error?: boolean;
}

/** The browser's date (and time) picker, styled like the forms' other fields. */
export const DateField = ({ onChange, ...props }: DateFieldProps) => (
  <TextField
    {...props}
    onChange={e => onChange(e.target.value)}
    // The browser always shows its placeholder, so the label stays above it.
    InputLabelProps={{ shrink: true }}
    fullWidth
    variant="outlined"
    margin="dense"
  />
);
