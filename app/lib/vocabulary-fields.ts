import { z } from "zod";
import { POLITICAL_STATUSES, CADRE_LEVELS, PERSON_CATEGORIES, GENDERS, UNIT_KINDS, BRANCH_TYPES, ROLES } from "./vocabulary";

// The words of vocabulary.ts as form fields. Kept apart so that a page that only shows them does not load
// zod (decision 062).

export const PoliticalStatusSchema = z.enum(POLITICAL_STATUSES);
export const CadreLevelSchema = z.enum(CADRE_LEVELS);
export const PersonCategorySchema = z.enum(PERSON_CATEGORIES);
export const GenderSchema = z.enum(GENDERS);
export const UnitKindSchema = z.enum(UNIT_KINDS);
export const BranchTypeSchema = z.enum(BRANCH_TYPES);
export const RoleSchema = z.enum(ROLES);
