export * from '../../scripts/action-inputs.js'
