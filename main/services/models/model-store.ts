import type { CatalogItem, ModelInfo, ModelRef } from '../../../shared/domain';
import type { ResolvedModel } from './model-types';

export async function listCatalog(_modelsDirs: string[]): Promise<CatalogItem[]> {
  throw new Error('listCatalog: not implemented yet');
}

export async function resolveModel(_ref: ModelRef, _modelsDirs: string[]): Promise<ResolvedModel> {
  throw new Error('resolveModel: not implemented yet');
}

export async function inspectModel(_model: ResolvedModel, _featureLayer?: string): Promise<ModelInfo> {
  throw new Error('inspectModel: not implemented yet');
}
