import {
  incidentRules,
  pageRules,
  postmortemRules,
  releaseRules,
} from './rules';

const ada = 'user:default/ada.lovelace';
const grace = 'user:default/grace.hopper';
const payments = 'group:default/payments';
const storefront = 'group:default/storefront';
const paymentsApi = 'component:default/payments-api';

const incident = {
  entityRefs: [paymentsApi],
  entityOwnerRefs: [payments],
  roles: [
    { role: 'controller' as const, userRef: ada, assignedAt: '' },
    { role: 'observer' as const, userRef: grace, assignedAt: '' },
  ],
};

describe('permission rules', () => {
  describe('IS_OWNED_BY_USER_GROUPS', () => {
    const rule = incidentRules.isOwnedByUserGroups;

    it('allows items whose entities one of the claims owns', () => {
      expect(rule.apply(incident, { claims: [ada, payments] })).toBe(true);
      // Refs compare like the catalog compares them: without case.
      expect(rule.apply(incident, { claims: ['Group:default/Payments'] })).toBe(
        true,
      );
      expect(rule.apply(incident, { claims: [grace, storefront] })).toBe(false);
    });

    it('allows items about a claim itself (an incident on the team)', () => {
      const onTheTeam = { ...incident, entityRefs: [storefront] };
      expect(rule.apply(onTheTeam, { claims: [storefront] })).toBe(true);
    });

    it('queries by the claims, which the list routes turn into entities', () => {
      expect(rule.toQuery({ claims: [payments] })).toEqual({
        kind: 'ownedBy',
        claims: [payments],
      });
    });

    it('is the same rule for every resource type', () => {
      for (const rules of [postmortemRules, pageRules, releaseRules]) {
        expect(rules.isOwnedByUserGroups.name).toBe('IS_OWNED_BY_USER_GROUPS');
      }
      expect(
        releaseRules.isOwnedByUserGroups.apply(
          { entityRefs: [paymentsApi], entityOwnerRefs: [] },
          { claims: [payments] },
        ),
      ).toBe(false);
    });
  });

  describe('HAS_INCIDENT_ROLE', () => {
    const rule = incidentRules.hasIncidentRole;

    it('allows incidents where the user holds one of the roles', () => {
      expect(
        rule.apply(incident, { userRef: ada, roles: ['controller'] }),
      ).toBe(true);
      expect(rule.apply(incident, { userRef: ada, roles: ['responder'] })).toBe(
        false,
      );
      expect(
        rule.apply(incident, { userRef: grace, roles: ['controller'] }),
      ).toBe(false);
    });

    it('takes any role when none are named', () => {
      expect(rule.apply(incident, { userRef: grace })).toBe(true);
      expect(rule.toQuery({ userRef: grace })).toEqual({
        kind: 'incidentRole',
        userRef: grace,
        roles: ['controller', 'responder', 'reporter', 'observer'],
      });
    });

    it('applies to post-mortems through their incident', () => {
      expect(
        postmortemRules.hasIncidentRole.apply(incident, {
          userRef: ada,
          roles: ['controller'],
        }),
      ).toBe(true);
    });
  });

  describe('IS_PAGE_TARGET', () => {
    const page = {
      entityRefs: [paymentsApi],
      entityOwnerRefs: [payments],
      targetRefs: [ada],
    };

    it('allows pages that page the user now', () => {
      expect(pageRules.isPageTarget.apply(page, { userRef: ada })).toBe(true);
      expect(pageRules.isPageTarget.apply(page, { userRef: grace })).toBe(
        false,
      );
      expect(pageRules.isPageTarget.toQuery({ userRef: ada })).toEqual({
        kind: 'pageTarget',
        userRef: ada,
      });
    });
  });

  describe('IS_RELEASE_OWNER', () => {
    const release = {
      entityRefs: [paymentsApi],
      entityOwnerRefs: [payments],
      ownerRef: storefront,
    };

    it("allows releases owned by the user or one of the user's groups", () => {
      const rule = releaseRules.isReleaseOwner;
      expect(rule.apply(release, { claims: [grace, storefront] })).toBe(true);
      // Owning the entity is another rule.
      expect(rule.apply(release, { claims: [ada, payments] })).toBe(false);
      expect(rule.toQuery({ claims: [storefront] })).toEqual({
        kind: 'releaseOwner',
        claims: [storefront],
      });
    });
  });
});
