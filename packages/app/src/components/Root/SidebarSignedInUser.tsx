import { parseEntityRef } from '@backstage/catalog-model';
import { SidebarItem, useSidebarOpenState } from '@backstage/core-components';
import {
  identityApiRef,
  ProfileInfo,
  useApi,
  useRouteRef,
} from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntityPresentation,
} from '@backstage/plugin-catalog-react';
import { makeStyles, Typography } from '@material-ui/core';
import AccountCircleIcon from '@material-ui/icons/AccountCircle';
import ExitToAppIcon from '@material-ui/icons/ExitToApp';
import { useEffect, useState } from 'react';

const useStyles = makeStyles(theme => ({
  caption: {
    display: 'block',
    padding: theme.spacing(0, 3),
    color: theme.palette.navigation.color,
  },
}));

/** While the identity loads: a ref that names nobody. */
const NOBODY = 'user:default/unknown';

interface SignedIn {
  userEntityRef: string;
  profile: ProfileInfo;
}

/**
 * The sidebar's account items: who is signed in, by name, linking to their
 * catalog page, and **Sign out**. The name is the profile's display name,
 * else the catalog's (entity presentation), else the ref's name.
 */
export const SidebarSignedInUser = () => {
  const classes = useStyles();
  const identityApi = useApi(identityApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const { isOpen } = useSidebarOpenState();
  const [signedIn, setSignedIn] = useState<SignedIn>();
  useEffect(() => {
    let current = true;
    Promise.all([
      identityApi.getBackstageIdentity(),
      identityApi.getProfileInfo(),
    ]).then(
      ([{ userEntityRef }, profile]) => {
        if (current) {
          setSignedIn({ userEntityRef, profile });
        }
      },
      // Unknown identity: no name to show; signing out still works.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [identityApi]);
  const presentation = useEntityPresentation(
    signedIn?.userEntityRef ?? NOBODY,
    { defaultKind: 'user' },
  );

  let you = null;
  if (signedIn) {
    const name = signedIn.profile.displayName || presentation.primaryTitle;
    const who = signedIn.profile.email
      ? `${name} (${signedIn.profile.email})`
      : name;
    you = (
      <>
        {isOpen && (
          <Typography variant="caption" className={classes.caption}>
            Signed in as
          </Typography>
        )}
        <SidebarItem
          icon={AccountCircleIcon}
          to={entityRoute(
            entityRouteParams(parseEntityRef(signedIn.userEntityRef)),
          )}
          text={name}
          aria-label={`Signed in as ${who}`}
          title={`Signed in as ${who}: your catalog page`}
        />
      </>
    );
  }
  return (
    <>
      {you}
      <SidebarItem
        icon={ExitToAppIcon}
        text="Sign out"
        onClick={() => identityApi.signOut()}
      />
    </>
  );
};
