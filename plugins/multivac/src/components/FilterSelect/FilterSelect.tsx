import { FormControl, InputLabel, MenuItem, Select } from '@material-ui/core';
import { SEVERITIES } from '@multivac/plugin-multivac-common';

/** The value of a filter's "All" choice. */
export const ALL = 'all';

/** "All", then SEV1..SEV4. */
export const SEVERITY_FILTER_OPTIONS = [
  { value: ALL, label: 'All' },
  ...SEVERITIES.map(level => ({ value: level, label: level })),
];

export interface FilterSelectProps {
  id: string;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
}

/** A labelled single-choice filter, as used above incident lists. */
export const FilterSelect = ({
  id,
  label,
  value,
  options,
  onChange,
}: FilterSelectProps) => (
  <FormControl fullWidth variant="outlined" margin="dense">
    <InputLabel id={id}>{label}</InputLabel>
    <Select
      labelId={id}
      label={label}
      value={value}
      onChange={e => onChange(String(e.target.value))}
    >
      {options.map(option => (
        <MenuItem key={option.value} value={option.value}>
          {option.label}
        </MenuItem>
      ))}
    </Select>
  </FormControl>
);
