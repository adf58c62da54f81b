export interface Config {
  auth?: {
    providers?: {
      /**
       * The `multivac` sign-in provider. The auth backend mounts it only when
       * this key is present, so enable it with `multivac: {}`.
       *
       * It issues a token for the catalog user named in the
       * `x-multivac-user-entity-ref` header, and only to callers with a
       * service token of an allowed backend plugin.
       */
      multivac?: {
        /**
         * Ids of the backend plugins whose service tokens may ask for user
         * tokens. Each can act as any catalog user, so list only plugins you
         * trust that much.
         *
         * @default ['multivac']
         */
        allowedPlugins?: string[];
        /**
         * Must be true for `allowedPlugins` to list any plugin other than
         * `multivac`; otherwise the backend does not start. Each plugin
         * listed can act as any catalog user.
         */
        dangerouslyAllowOtherPlugins?: boolean;
      };
    };
  };
}
