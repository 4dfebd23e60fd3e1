package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"example.com/shop/internal/auth"
)

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// handleRegister creates an account: POST /v1/users.
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	var in credentials
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, r, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	u, err := s.auth.Register(r.Context(), in.Email, in.Password)
	switch {
	case errors.Is(err, auth.ErrEmailTaken):
		writeError(w, r, http.StatusConflict, "email_taken", err.Error())
		return
	case errors.Is(err, auth.ErrWeakPassword):
		writeError(w, r, http.StatusUnprocessableEntity, "weak_password", err.Error())
		return
	case err != nil:
		writeError(w, r, http.StatusUnprocessableEntity, "invalid", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": u.ID, "email": u.Email})
}

// handleLogin checks credentials and sets the session cookie: POST /v1/login.
// Wrong passwords and unknown emails get the same 401 (FR-010); a locked
// account gets 423 with Retry-After (FR-009).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var in credentials
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, r, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	sess, err := s.auth.Login(r.Context(), in.Email, in.Password, clientIP(r))
	var locked *auth.LockedError
	switch {
	case errors.As(err, &locked):
		w.Header().Set("Retry-After", strconv.Itoa(int(time.Until(locked.Until).Seconds())+1))
		writeError(w, r, http.StatusLocked, "account_locked", err.Error())
		return
	case errors.Is(err, auth.ErrInvalidCredentials):
		writeError(w, r, http.StatusUnauthorized, "invalid_credentials", err.Error())
		return
	case err != nil:
		s.log.ErrorContext(r.Context(), "login error", "err", err)
		writeError(w, r, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    sess.ID,
		Path:     "/",
		Expires:  sess.ExpiresAt,
		HttpOnly: true,
		Secure:   true,
		SameSite: http.SameSiteLaxMode,
	})
	writeJSON(w, http.StatusOK, map[string]any{"user_id": sess.UserID, "expires_at": sess.ExpiresAt})
}

// handleLogout ends the current session: POST /v1/logout.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	s.auth.Logout(r.Context(), sess.ID)
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

// handleDeleteAccount deletes the current user's account and ends the
// current session: DELETE /v1/account (FR-011).
func (s *Server) handleDeleteAccount(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	if err := s.auth.DeleteAccount(r.Context(), sess.UserID); err != nil {
		writeError(w, r, http.StatusNotFound, "not_found", err.Error())
		return
	}
	s.auth.Logout(r.Context(), sess.ID)
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}
