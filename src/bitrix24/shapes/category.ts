import { asList, asMap, flag, optionalString, requiredInteger, optionalInteger } from '../normalize';

/** A deal pipeline. */
export interface Category {
  id: number;
  name: string;
  sort: number;
  isDefault: boolean;
}

export function parseCategory(raw: unknown, path: string): Category {
  const record = asMap(raw, path);
  return {
    id: requiredInteger(record.id, `${path}.id`),
    name: optionalString(record.name, `${path}.name`) ?? '',
    sort: optionalInteger(record.sort, `${path}.sort`) ?? 0,
    isDefault: flag(record.isDefault, `${path}.isDefault`),
  };
}

/** `crm.category.list` → `{categories: […]}`. */
export function parseCategoryList(result: unknown): Category[] {
  const categories = asMap(result, 'result').categories;
  return asList(categories, 'result.categories').map((row, index) => parseCategory(row, `result.categories[${index}]`));
}
