export { EntityRefPicker } from './EntityRefPicker';
export type { EntityRefPickerProps } from './EntityRefPicker';
