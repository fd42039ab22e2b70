// Types shared by main.bicep and the modules.

@export()
@description('A function with an Event Grid-sourced blob trigger, and the container whose BlobCreated events it receives.')
type eventGridFunction = {
  @description('The [Function] name, as in functions.metadata (the webhook addresses Host.Functions.{functionName}).')
  functionName: string

  @description('The container of the blob trigger path ({container}/{name}).')
  container: string
}
